// Where twinbeat's configuration lives unless `-c DIR` says otherwise: Heartbeat's own directory,
// so an existing ha.cf/haresources/authkeys is used as it is. One constant, read by the CLI
// (its -c default) and by the daemon (to recognise another daemon's command line). Pure data.

export const DEFAULT_CONFIG_DIR = '/etc/ha.d';

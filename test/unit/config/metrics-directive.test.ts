// tb_metrics_port PORT [IPv4]: the port, and where to listen (loopback unless named).
// Pure: parses text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHaCf } from '../../../src/config/hacf.js';
import { formatError } from '../../../src/config/errors.js';

const parse = (text: string) => parseHaCf(text, 'ha.cf');

test('tb_metrics_port: a port alone, or a port and an IPv4 address', () => {
  const alone = parse('tb_metrics_port 9694\n');
  assert.deepEqual(alone.errors, []);
  assert.equal(alone.values.metricsPort?.value, 9694);
  assert.equal(alone.values.metricsAddress, undefined, 'default applied later: 127.0.0.1');
  const both = parse('tb_metrics_port 9694 10.1.2.3\n');
  assert.deepEqual(both.errors, []);
  assert.deepEqual([both.values.metricsPort?.value, both.values.metricsAddress?.value], [9694, '10.1.2.3']);
});

test('tb_metrics_port: bad port, bad address, extra words and a second line are errors', () => {
  const errors = (text: string) => parse(text).errors.map(formatError);
  assert.match(errors('tb_metrics_port 70000\n')[0]!, /tb_metrics_port: expected an integer from 0 to 65535, got "70000"/);
  assert.match(errors('tb_metrics_port 9694 localhost\n')[0]!, /expected an IPv4 address to listen on, got "localhost"/);
  assert.match(errors('tb_metrics_port 1 2 3\n')[0]!, /expected PORT \[IPv4\], got "1 2 3"/);
  const twice = parse('tb_metrics_port 9694\ntb_metrics_port 9695 10.0.0.1\n');
  assert.equal(twice.errors.length, 1);
  assert.match(formatError(twice.errors[0]!), /already at ha\.cf:1/);
  assert.equal(twice.values.metricsAddress, undefined, 'the refused line sets nothing');
});

// The JSON Schemas (draft 2020-12) of `twinbeat status --json` and `twinbeat check --json`, for
// monitoring that validates what it parses. The .json files are the source; importing them here
// makes tsc copy them into dist/src/cli/schemas/, so an installed package ships them beside the
// code. test/unit/cli/schemas.test.ts validates real output against them. Touches nothing.
import statusSchema from './status.schema.json' with { type: 'json' };
import checkSchema from './check.schema.json' with { type: 'json' };

export { statusSchema, checkSchema };

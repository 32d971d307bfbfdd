import { describeOracleSuite } from './oracle-suite';
import { TOKENIZER_SPECS } from './specs';

describeOracleSuite(TOKENIZER_SPECS.llama3_1);

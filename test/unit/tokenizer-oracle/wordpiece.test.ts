import { describeOracleSuite } from './oracle-suite';
import { TOKENIZER_SPECS } from './specs';

// Served by the JS fallback engine (the C++ engine refuses this model type).
describeOracleSuite(TOKENIZER_SPECS.wordpiece);

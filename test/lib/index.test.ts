// Every suite of this folder (*.suite.ts) in one jest test file: see ../support/suites.ts for why.
import { runSuites } from '../support/suites';

runSuites(__dirname);

// After all the tests of a jest test file: remove the folders it made with test/support/temp-dir.ts.
// Registered here, at the file's top level, rather than by temp-dir.ts itself: a folder's index.test.ts
// loads its suites inside their own describe blocks (test/support/suites.ts), and an afterAll registered
// by the first suite that imports temp-dir.ts would remove the folders of the later suites before they run.
import { removeTempDirs } from '../support/temp-dir';

afterAll(removeTempDirs);

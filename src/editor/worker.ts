// The analysis worker's entry (dist/analysis.js): the core runs here, never on the
// extension host, which loads only dist/extension.js.
import { serve } from './analysis';

serve();

import type { Command } from 'commander';
import { register as indexCommand } from './indexPhotos.ts';
import { register as search } from './search.ts';
import { register as info } from './info.ts';
import { register as duplicates } from './duplicates.ts';
import { register as encoders } from './encoders.ts';
import { register as quickstart } from './quickstart.ts';
import { register as evalCommand } from './eval.ts';
import { register as complete } from './complete.ts';
import { register as locate } from './locate.ts';
import { register as colorize } from './colorize.ts';
import { register as classify } from './classify.ts';
import { register as serve } from './serve.ts';
import { register as verify } from './verify.ts';
import { register as relink } from './relink.ts';
import { register as models } from './models.ts';
import { register as trainLinear } from './trainLinear.ts';
import { register as attack } from './attack.ts';
import { register as reconstruct } from './reconstruct.ts';
import { register as worker } from './worker.ts';

/** Every command, one line each. */
export function registerCommands(program: Command): void {
  indexCommand(program);
  search(program);
  info(program);
  duplicates(program);
  encoders(program);
  quickstart(program);
  evalCommand(program);
  complete(program);
  locate(program);
  colorize(program);
  classify(program);
  serve(program);
  verify(program);
  relink(program);
  models(program);
  trainLinear(program);
  attack(program);
  reconstruct(program);
  worker(program);
}

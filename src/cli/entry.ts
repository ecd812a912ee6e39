/** Process entry of the `deja` command (bin/deja.js runs the compiled copy; tests run this one with tsx). */
import { main } from './main.ts';

main(process.argv).then((code) => {
  process.exitCode = code;
});

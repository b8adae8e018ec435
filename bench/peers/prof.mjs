// node prof.mjs scenario ms
import { scenarios } from './dist/adapters/tta.js';
import * as raw from './dist/adapters/raw.js';
const [sc='retry_ok', ms='3000', which='tta'] = process.argv.slice(2);
const op = (which==='raw'?raw.scenarios:scenarios)[sc]();
const end = Date.now() + +ms;
let n = 0;
while (Date.now() < end) { for (let i=0;i<1000;i++) await op(); n+=1000; }
console.log(sc, which, ((+ms*1e6)/n).toFixed(0), 'ns/op');

import { WorkflowContext, runWithContext, currentContext, AbortScope } from '@tta/agent-context';
function b(name, f, n=3e6){ for(let i=0;i<1e5;i++)f(); const t=process.hrtime.bigint(); for(let i=0;i<n;i++)f(); console.log(name.padEnd(20), (Number(process.hrtime.bigint()-t)/n).toFixed(1),'ns'); }
let sink;
const c=new WorkflowContext(); const scope=new AbortScope();
b('child({signal})', ()=>{sink=c.child({signal:scope})});
b('child()', ()=>{sink=c.child()});
b('child+dispose', ()=>{const k=c.child({signal:scope}); k.dispose(); sink=k});
b('new AbortScope', ()=>{sink=new AbortScope()});
b('new ctx', ()=>{sink=new WorkflowContext()});

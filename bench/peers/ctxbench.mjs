import { WorkflowContext, runWithContext, currentContext } from '@tta/agent-context';
function b(name, f, n=5e6){ for(let i=0;i<1e5;i++)f(); const t=process.hrtime.bigint(); for(let i=0;i<n;i++)f(); console.log(name, (Number(process.hrtime.bigint()-t)/n).toFixed(1),'ns'); }
let sink;
b('new ctx', ()=>{sink=new WorkflowContext()});
b('Date.now', ()=>{sink=Date.now()});
const c=new WorkflowContext();
b('runWithContext', ()=>{sink=runWithContext(c, ()=>1)});
b('currentContext', ()=>{sink=currentContext()});
b('isCancelled', ()=>{sink=c.isCancelled});
b('obj6', ()=>{sink={a:1,b:2,c:3,d:4,e:5,f:6}});
b('performance.now', ()=>{sink=performance.now()});
b('hrtime.bigint', ()=>{sink=process.hrtime.bigint()});
b('hrtime', ()=>{sink=process.hrtime()});

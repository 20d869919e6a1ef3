/** HTML of GET /_sandbox: browse data, simulate a payment, create/change a customer or GL account, inject faults. */
export function controlPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Exact sandbox control</title>
<style>body{font-family:sans-serif;margin:20px}section{border:1px solid #ccc;padding:10px;margin:10px 0}table{border-collapse:collapse;font-size:12px}
td,th{border:1px solid #ddd;padding:2px 4px;white-space:nowrap}input,select{margin:2px}pre{background:#f4f4f4;padding:6px;max-height:200px;overflow:auto}</style></head>
<body><h1>Exact Online sandbox</h1>
<section><h2>Browse</h2><select id="div"></select>
<select id="entity">${['Accounts', 'Contacts', 'Addresses', 'GLAccounts', 'Journals', 'VATCodes', 'FinancialPeriods', 'Costcenters', 'Costunits', 'SalesEntries', 'SalesEntryLines', 'Receivables', 'TransactionLines', 'BankEntries', 'CashEntries', 'GeneralJournalEntries', 'Documents', 'DocumentAttachments', 'Items', 'WebhookSubscriptions'].map((e) => `<option>${e}</option>`).join('')}</select>
<input id="q" placeholder="search"><button onclick="browse(0)">Show</button> <span id="total"></span>
<div id="grid"></div></section>
<section><h2>Simulate payment</h2>Invoice number <input id="inv" size="10"> amount <input id="amt" size="8" placeholder="(full)">
<button onclick="call('POST','simulate/payment',{division:+val('div'),invoiceNumber:+val('inv'),amount:val('amt')?+val('amt'):undefined})">Book payment</button></section>
<section><h2>Process journal</h2>Journal <input id="prJournal" size="4" value="70"> up to <input id="prUpTo" size="10" placeholder="(today)">
<button onclick="call('POST','process',clean({division:+val('div'),journal:val('prJournal'),upTo:val('prUpTo')||undefined}))">Process entries (Status 50)</button></section>
<section><h2>Customer</h2>ID (empty = new) <input id="accId" size="38"> Name <input id="accName"> City <input id="accCity"> Blocked <input type="checkbox" id="accBlocked">
<button onclick="call('POST','accounts',clean({division:+val('div'),ID:val('accId')||undefined,Name:val('accName')||undefined,City:val('accCity')||undefined,Blocked:document.getElementById('accBlocked').checked}))">Save customer</button></section>
<section><h2>GL account</h2>ID (empty = new) <input id="glId" size="38"> Code <input id="glCode" size="6"> Description <input id="glDesc"> Type <input id="glType" size="4" value="110"> Blocked <input type="checkbox" id="glBlocked">
<button onclick="call('POST','glaccounts',clean({division:+val('div'),ID:val('glId')||undefined,Code:val('glCode')||undefined,Description:val('glDesc')||undefined,Type:+val('glType'),IsBlocked:document.getElementById('glBlocked').checked}))">Save GL account</button></section>
<section><h2>Faults</h2>errorRate <input id="fRate" size="4" value="1"> status <input id="fStatus" size="4" value="500"> latencyMs <input id="fLat" size="5" value="0">
endpoints <input id="fEp" placeholder="salesentry/SalesEntries"> count <input id="fCount" size="4"> afterCommit <input type="checkbox" id="fAfter"> timeout <input type="checkbox" id="fTimeout">
<button onclick="call('POST','faults',clean({errorRate:+val('fRate'),status:+val('fStatus'),latencyMs:+val('fLat'),endpoints:val('fEp')?val('fEp').split(','):[],count:val('fCount')?+val('fCount'):undefined,afterCommit:document.getElementById('fAfter').checked,timeout:document.getElementById('fTimeout').checked}))">Inject</button>
<button onclick="call('DELETE','faults')">Clear</button>
<br>validation errors answered with 500 <input id="v500" size="30" placeholder="Ongeldig: Dagboek">
<button onclick="call('POST','faults/validation',{as500:val('v500').split(',').map(x=>x.trim()).filter(Boolean)})">Answer 500</button></section>
<section><h2>Clock &amp; webhooks</h2><button onclick="call('GET','clock')">Now</button> advance seconds <input id="adv" size="8" value="600"><button onclick="call('POST','clock',{advanceSeconds:+val('adv')})">Advance</button>
<button onclick="call('POST','webhooks',{enabled:false})">Pause webhooks</button><button onclick="call('POST','webhooks',{enabled:true})">Resume webhooks</button>
<button onclick="call('GET','webhooks')">Delivery log</button><button onclick="call('GET','stats')">Stats</button></section>
<pre id="out"></pre>
<script>
const val=(id)=>document.getElementById(id).value;
const clean=(o)=>JSON.parse(JSON.stringify(o));
async function req(method,path,body){const headers={'content-type':'application/json'};const t=sessionStorage.getItem('sandboxControlToken');if(t)headers.authorization='Bearer '+t;
const r=await fetch('/_sandbox/'+path,{method,headers,body:body?JSON.stringify(body):undefined});
if(r.status===401){const n=prompt('Control token (SANDBOX_CONTROL_TOKEN)');if(n){sessionStorage.setItem('sandboxControlToken',n);return req(method,path,body);}}return r;}
async function call(method,path,body){const r=await req(method,path,body);
document.getElementById('out').textContent=r.status+' '+JSON.stringify(await r.json(),null,1);}
async function loadDivs(){const d=await (await req('GET','divisions')).json();document.getElementById('div').innerHTML=d.map(x=>'<option value="'+x.code+'">'+x.code+' '+x.description+'</option>').join('');}
function fmt(v){if(typeof v==='number'&&v>1e12)return new Date(v).toISOString().slice(0,10);return v===null||v===undefined?'':String(v);}
async function browse(offset){const r=await (await req('GET','data/'+val('div')+'/'+val('entity')+'?limit=100&offset='+offset+'&q='+encodeURIComponent(val('q')))).json();
document.getElementById('total').textContent=r.total+' rows';if(!r.rows.length){document.getElementById('grid').innerHTML='';return;}const cols=Object.keys(r.rows[0]);
document.getElementById('grid').innerHTML='<table><tr>'+cols.map(c=>'<th>'+c+'</th>').join('')+'</tr>'+r.rows.map(row=>'<tr>'+cols.map(c=>'<td>'+fmt(row[c]).replace(/</g,'&lt;')+'</td>').join('')+'</tr>').join('')+'</table>';}
loadDivs();
</script></body></html>`;
}

/**
 * The pages' only inline style and script: fixed strings, so the Content-Security-Policy can allow
 * exactly these by hash (headers.ts) instead of 'unsafe-inline'. The script is a progressive
 * enhancement: "copy" buttons next to the IBAN and the reference.
 */
export const CSS = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:100%;line-height:1.5;color:#1a1a1a;background:#f4f5f7}
body{margin:0}
.wrap{max-width:40rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-999px;top:0;background:#fff;color:#0b3d91;padding:.5rem}
.skip:focus{left:.5rem}
.top{background:#0b3d91;color:#fff;padding:1rem 0}
.brand{font-size:1.25rem;font-weight:700;margin:0}
.sub{margin:0;font-size:.95rem}
main{padding:1rem 1rem 2rem}
main:focus{outline:none}
h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem}
h2{font-size:1.15rem;margin:0 0 .75rem}
.card{background:#fff;border:1px solid #c9ced6;border-radius:.5rem;padding:1rem;margin:1rem 0}
.facts{margin:0;display:grid;grid-template-columns:minmax(8rem,auto) 1fr;gap:.25rem 1rem}
.facts dt{color:#4a4f57}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.due{font-size:1.2rem}
.copyable{font-family:ui-monospace,Menlo,Consolas,monospace;user-select:all;-webkit-user-select:all}
.hint{color:#4a4f57;font-size:.95rem;margin:.25rem 0}
.note{background:#e8f0fe;border-left:4px solid #0b3d91;padding:.75rem;margin:1rem 0}
.field{margin:0 0 1rem}
label,legend{display:block;font-weight:600;margin-bottom:.25rem}
fieldset{border:0;margin:0 0 1rem;padding:0}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.35rem 0}
.choice label{font-weight:400;margin:0}
input[type=text],input[type=email],input[type=tel],input[type=date],select,textarea{width:100%;font:inherit;padding:.6rem;border:2px solid #5f6670;border-radius:.35rem;background:#fff;color:#1a1a1a}
input[type=radio]{flex:none;width:1.25rem;height:1.25rem;margin:.15rem 0 0}
textarea{min-height:7rem}
[aria-invalid=true]{border-color:#b00020}
.error{color:#b00020;font-weight:600;margin:.25rem 0}
.errors{border:3px solid #b00020;background:#fff;padding:1rem;margin:1rem 0}
.errors a{color:#b00020}
button{font:inherit;cursor:pointer;border-radius:.35rem}
.primary{background:#0b3d91;color:#fff;border:2px solid #0b3d91;padding:.7rem 1.4rem;font-weight:700;min-height:2.75rem}
.copy{margin-left:.5rem;background:#fff;color:#0b3d91;border:2px solid #0b3d91;padding:.1rem .6rem;font-size:.9rem}
a{color:#0b3d91}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0a500;outline-offset:2px}
.others ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.5rem}
.others a{display:inline-block;padding:.5rem .75rem;border:1px solid #0b3d91;border-radius:.35rem;text-decoration:none}
.foot{color:#4a4f57;padding-bottom:2rem}
.scroll{overflow-x:auto}
.lines{width:100%;border-collapse:collapse;font-size:.95rem}
.lines th,.lines td{border-bottom:1px solid #c9ced6;padding:.35rem;text-align:left;vertical-align:top}
.lines .num{text-align:right;white-space:nowrap}
@media (max-width:30rem){.facts{grid-template-columns:1fr}.facts dd{margin-bottom:.5rem}}
`.trim();

export const SCRIPT = `
document.querySelectorAll('[data-copy]').forEach(function(el){
if(!navigator.clipboard)return;
var b=document.createElement('button');b.type='button';b.className='copy';
b.textContent=el.getAttribute('data-copy-label');b.setAttribute('aria-label',el.getAttribute('data-copy-name'));
var s=document.createElement('span');s.setAttribute('role','status');s.className='hint';
b.addEventListener('click',function(){navigator.clipboard.writeText(el.getAttribute('data-copy')).then(function(){s.textContent=el.getAttribute('data-copied-label');});});
el.after(b,s);});
`.trim();

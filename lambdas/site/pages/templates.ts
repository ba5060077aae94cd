/** The pages' markup as Mustache templates: markup only, every word comes from the page strings. */
export const LAYOUT = `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<link rel="icon" href="data:,">
<title>{{title}}</title>
<style>{{{css}}}</style>
</head>
<body>
<a class="skip" href="#main">{{skip}}</a>
<header class="top"><div class="wrap">{{#supplier}}<p class="brand">{{supplier}}</p>{{/supplier}}{{#brandLine}}<p class="sub">{{brandLine}}</p>{{/brandLine}}</div></header>
<main id="main" class="wrap" tabindex="-1">
{{{body}}}
</main>
{{#contact}}<footer class="wrap foot"><p>{{{contact}}}</p></footer>{{/contact}}
{{#script}}<script>{{{script}}}</script>{{/script}}
</body>
</html>
`;

export const SUMMARY = `<section class="card" aria-labelledby="invoice-heading">
<h2 id="invoice-heading">{{heading}}</h2>
<dl class="facts">
{{#facts}}<dt>{{label}}</dt><dd{{#strong}} class="due"{{/strong}}>{{value}}</dd>
{{/facts}}</dl>
</section>`;

export const PAYMENT = `<section class="card" aria-labelledby="payment-heading">
<h2 id="payment-heading">{{heading}}</h2>
<dl class="facts">
{{#rows}}<dt>{{label}}</dt><dd>{{#copy}}<span class="copyable" data-copy="{{copy}}" data-copy-label="{{copyLabel}}" data-copy-name="{{copyName}}" data-copied-label="{{copiedLabel}}">{{value}}</span>{{/copy}}{{^copy}}{{value}}{{/copy}}</dd>
{{/rows}}</dl>
{{#hint}}<p class="hint">{{hint}}</p>{{/hint}}
{{#qr}}<figure class="qr">{{{svg}}}<figcaption class="hint">{{caption}}</figcaption></figure>{{/qr}}
</section>`;

export const OTHERS = `{{#links.length}}<nav class="card others" aria-labelledby="others-heading">
<h2 id="others-heading">{{heading}}</h2>
<ul>{{#links}}<li><a href="{{url}}">{{label}}</a></li>{{/links}}</ul>
</nav>{{/links.length}}`;

export const FORM = `{{#errors.length}}<div class="errors" role="alert" aria-labelledby="errors-heading">
<h2 id="errors-heading">{{errorSummary}}</h2>
<ul>{{#errors}}<li><a href="#{{id}}">{{label}}: {{message}}</a></li>{{/errors}}</ul>
</div>{{/errors.length}}
<form method="post" novalidate>
<input type="hidden" name="csrf" value="{{csrf}}">
{{#fields}}
{{#isRadio}}<fieldset{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}>
<legend id="{{id}}">{{label}}</legend>
{{#error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/error}}
{{#options}}<div class="choice"><input type="radio" id="{{id}}" name="{{name}}" value="{{value}}"{{#checked}} checked{{/checked}}{{#required}} required{{/required}}><label for="{{id}}">{{label}}</label></div>
{{/options}}</fieldset>{{/isRadio}}
{{^isRadio}}<div class="field">
<label for="{{id}}">{{label}}{{^required}} ({{optional}}){{/required}}</label>
{{#hint}}<p class="hint" id="{{id}}-hint">{{hint}}</p>{{/hint}}
{{#error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/error}}
{{#isSelect}}<select id="{{id}}" name="{{name}}"{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}>
{{#options}}<option value="{{value}}"{{#checked}} selected{{/checked}}>{{label}}</option>
{{/options}}</select>{{/isSelect}}
{{#isTextarea}}<textarea id="{{id}}" name="{{name}}" maxlength="{{maxlength}}"{{#required}} required{{/required}}{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}>{{value}}</textarea>{{/isTextarea}}
{{#isInput}}<input type="{{type}}" id="{{id}}" name="{{name}}" value="{{value}}"{{#maxlength}} maxlength="{{maxlength}}"{{/maxlength}}{{#min}} min="{{min}}"{{/min}}{{#max}} max="{{max}}"{{/max}}{{#autocomplete}} autocomplete="{{autocomplete}}"{{/autocomplete}}{{#required}} required{{/required}}{{#describedBy}} aria-describedby="{{describedBy}}"{{/describedBy}}{{#error}} aria-invalid="true"{{/error}}>{{/isInput}}
</div>{{/isRadio}}
{{/fields}}
<button type="submit" class="primary">{{submit}}</button>
</form>`;

export const LANDING = `{{#statusNote}}<p class="note" role="status">{{statusNote}}</p>{{/statusNote}}
<h1>{{title}}</h1>
{{#refusal}}<div class="errors" role="alert"><p>{{refusal}}</p></div>{{/refusal}}
{{#answerable}}<p>{{intro}}</p>{{/answerable}}
{{{summary}}}
{{#answerable}}{{{form}}}{{/answerable}}
{{{payment}}}
{{{others}}}`;

export const DONE = `<div role="status"><h1>{{title}}</h1>
<p>{{text}}</p></div>
{{{summary}}}
{{{payment}}}
{{{others}}}`;

export const PROBLEM = `<h1>{{title}}</h1>
<p>{{text}}</p>`;

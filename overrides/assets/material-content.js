/* Material for MkDocs 9.8.1, partials/javascripts/content.html, moved out of
 * the page so that the Content-Security-Policy needs no inline script. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"));

// Filling translated sentences on the phone: the server's gettext placeholders, %(name)s.

/** ``template`` with each %(key)s replaced by ``values[key]``. */
export const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, key) => values[key]);

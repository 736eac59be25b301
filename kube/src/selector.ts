// The string form of a Kubernetes label selector (`kubectl get -l`, `?labelSelector=`), checked
// as apimachinery's parser does, so that a bad one is refused at start-up rather than by every
// list the apiserver answers with 400.
const NAME = '[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const PREFIX = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*';
const KEY = `(?:(${PREFIX})/)?${NAME}`;
const VALUE = `(?:${NAME})?`;
const REQUIREMENT = [
  `!?\\s*${KEY}`,
  `${KEY}\\s*(?:==|=|!=)\\s*${VALUE}`,
  `${KEY}\\s+(?:in|notin)\\s*\\(\\s*${VALUE}(?:\\s*,\\s*${VALUE})*\\s*\\)`,
].map((form) => new RegExp(`^${form}$`));

/** The requirements of a selector: split at the commas that are not inside `in (...)`. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts;
}

/** Why `selector` is not a label selector, or undefined when it is one (the empty one selects all). */
export function labelSelectorError(selector: string): string | undefined {
  if (selector.trim() === '') return undefined;
  for (const requirement of requirements(selector)) {
    const form = REQUIREMENT.find((pattern) => pattern.test(requirement));
    if (!form)
      return `"${requirement}" is not a label selector requirement (key, !key, key=value, key!=value, key in (a,b), key notin (a,b))`;
    const prefix = requirement.match(new RegExp(`^!?\\s*(${PREFIX})/`))?.[1];
    if (prefix && prefix.length > 253)
      return `the key prefix of "${requirement}" is longer than 253 characters`;
  }
  return undefined;
}

// Turns a Handlebars template into a function that only concatenates strings, once, at start-up.
// Handlebars' own runtime spends most of a template call on bookkeeping per block (a container, a
// helper wrapper, an options object and a program closure each time) that these templates never
// need. Handlebars still parses, with its rules for standalone lines; this covers the syntax the
// templates use (`{{path}}`, `#if`/`else`, `#each`, `{{> partial}}`) and refuses the rest when the
// template is compiled, never while an email renders.
import Handlebars from 'handlebars';

export interface CompileTemplateOptions {
  /** HTML-escape every `{{value}}` as Handlebars does; false for the text part (`noEscape`). */
  escape: boolean;
  /** Partial sources by name, for `{{> name}}`. */
  partials?: Readonly<Record<string, string>>;
}

type Render = (context: unknown) => string;
/** A piece of a template: fixed text, or a function of the context. */
type Piece = string | Render;

const fail = (node: hbs.AST.Node, what: string): never => {
  throw new Error(`Template line ${node.loc.start.line}: ${what} is not supported`);
};

/**
 * Handlebars' strict mode: a name the context does not have is an error, not an empty string. One
 * step stricter: Handlebars lets a block's argument (`{{#if typo}}`) miss and takes the else branch;
 * here that fails too, at the renderer's start-up self-check.
 */
const property = (value: unknown, name: string): unknown => {
  if (typeof value !== 'object' || value === null || !(name in value)) {
    throw new Error(`"${name}" not defined in ${String(value)}`);
  }
  // Own properties only, as Handlebars' prototype access control allows by default.
  return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
};

const compilePath = (node: hbs.AST.Expression): ((context: unknown) => unknown) => {
  if (node.type !== 'PathExpression') return fail(node, `a ${node.type} argument`);
  const path = node as hbs.AST.PathExpression;
  if (path.data) return fail(node, `@${path.original}`);
  if (path.depth > 0) return fail(node, `the parent context (${path.original})`);
  const { parts } = path;
  if (parts.length === 0) return (context) => context; // `this`
  if (parts.length === 1) {
    const [name] = parts as [string];
    return (context) => property(context, name);
  }
  return (context) => parts.reduce<unknown>((value, name) => property(value, name), context);
};

/** What `{{value}}` prints: null and undefined print nothing, as in Handlebars; an object is a mistake. */
const printable = (value: unknown, node: hbs.AST.Node): string => {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`Template line ${node.loc.start.line}: {{…}} of a ${typeof value}, not a text`);
};

/** Handlebars' `if`: false, null, undefined, 0, '' and an empty list take the `else` branch. */
const isTruthy = (value: unknown): boolean => Boolean(value) && !(Array.isArray(value) && value.length === 0);

const join = (pieces: readonly Piece[]): Render => {
  if (pieces.length === 0) return () => '';
  if (pieces.length === 1) {
    const [only] = pieces as [Piece];
    return typeof only === 'string' ? () => only : only;
  }
  return (context) => {
    let out = '';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : piece(context);
    return out;
  };
};

/** Handlebars' partial indentation: each line of a standalone partial's output gets its line's indent. */
const indentLines = (text: string, indent: string): string => {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i] && i + 1 === lines.length) break;
    lines[i] = indent + lines[i];
  }
  return lines.join('\n');
};

export const compileTemplate = (source: string, options: CompileTemplateOptions): Render => {
  const partials = new Map<string, Render>();
  const compiling = new Set<string>();
  const partial = (name: string, node: hbs.AST.Node): Render => {
    const compiled = partials.get(name);
    if (compiled) return compiled;
    const partialSource = options.partials?.[name];
    if (partialSource === undefined) return fail(node, `the unknown partial "${name}"`);
    if (compiling.has(name)) return fail(node, `the partial "${name}" inside itself`);
    compiling.add(name);
    const render = compileProgram(Handlebars.parse(partialSource));
    compiling.delete(name);
    partials.set(name, render);
    return render;
  };

  const compileBlock = (node: hbs.AST.BlockStatement): Render => {
    const helper = node.path.original;
    if (node.params.length !== 1 || (node.hash && node.hash.pairs.length > 0)) {
      return fail(node, `{{#${helper}}} with other than one argument`);
    }
    if (node.program.blockParams?.length) return fail(node, `block parameters on {{#${helper}}}`);
    const value = compilePath(node.params[0]!);
    const body = compileProgram(node.program);
    const otherwise = node.inverse ? compileProgram(node.inverse) : (): string => '';
    if (helper === 'if') return (context) => (isTruthy(value(context)) ? body(context) : otherwise(context));
    if (helper === 'each') {
      return (context) => {
        const list = value(context);
        if (list === null || list === undefined || list === false) return otherwise(context);
        if (!Array.isArray(list)) throw new Error(`{{#each}} over a ${typeof list}, not a list`);
        if (list.length === 0) return otherwise(context);
        let out = '';
        for (const item of list) out += body(item);
        return out;
      };
    }
    return fail(node, `the helper {{#${helper}}}`);
  };

  const compileStatement = (node: hbs.AST.Statement): Piece => {
    switch (node.type) {
      case 'ContentStatement':
        return (node as hbs.AST.ContentStatement).value;
      case 'CommentStatement':
        return '';
      case 'MustacheStatement': {
        const mustache = node as hbs.AST.MustacheStatement;
        if (mustache.params.length > 0 || (mustache.hash && mustache.hash.pairs.length > 0)) {
          return fail(node, 'a helper call');
        }
        const value = compilePath(mustache.path);
        if (options.escape && mustache.escaped) {
          return (context) => Handlebars.Utils.escapeExpression(printable(value(context), node));
        }
        return (context) => printable(value(context), node);
      }
      case 'BlockStatement':
        return compileBlock(node as hbs.AST.BlockStatement);
      case 'PartialStatement': {
        const statement = node as hbs.AST.PartialStatement;
        if (statement.params.length > 0 || (statement.hash && statement.hash.pairs.length > 0)) {
          return fail(node, 'a partial with arguments');
        }
        if (statement.name.type !== 'PathExpression') return fail(node, 'a dynamic partial');
        const render = partial(statement.name.original, node);
        const { indent } = statement;
        return indent ? (context) => indentLines(render(context), indent) : render;
      }
      default:
        return fail(node, `a ${node.type}`);
    }
  };

  const compileProgram = (program: hbs.AST.Program): Render => {
    const pieces: Piece[] = [];
    for (const statement of program.body) {
      const piece = compileStatement(statement);
      const last = pieces[pieces.length - 1];
      // Adjacent text, as Handlebars' whitespace rules leave it, becomes one piece.
      if (typeof piece === 'string' && typeof last === 'string') pieces[pieces.length - 1] = last + piece;
      else if (piece !== '') pieces.push(piece);
    }
    return join(pieces);
  };

  return compileProgram(Handlebars.parse(source));
};

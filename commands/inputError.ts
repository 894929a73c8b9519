/** Input the edge's schema could not judge alone (a missing template param, a Liquid syntax error): answered 400 naming the field. */
export class InputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'InputError';
    this.field = field;
  }
}

/** An Oro error response (docs/oro.md): `{"errors":[{status,title,detail,source}]}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly source?: { pointer?: string; parameter?: string },
  ) {
    super(detail);
  }

  body(): string {
    return JSON.stringify({
      errors: [
        {
          status: String(this.status),
          title: this.title,
          detail: this.detail,
          ...(this.source ? { source: this.source } : {}),
        },
      ],
    });
  }
}

export const notFound = (): ApiError =>
  new ApiError(404, 'not found http exception', 'An entity with the requested identifier does not exist.');

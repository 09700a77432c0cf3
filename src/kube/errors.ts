/** Errors of the cluster port, the same from both implementations. */

export class KubeError extends Error {
  constructor(
    message: string,
    readonly code: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class KubeNotFoundError extends KubeError {
  constructor(message: string) {
    super(message, 404);
  }
}

/** 409: someone else wrote first. Re-read and try again. */
export class ConflictError extends KubeError {
  constructor(message: string) {
    super(message, 409);
  }
}

export class AlreadyExistsError extends KubeError {
  constructor(message: string) {
    super(message, 409);
  }
}

/** 422 / 400: the API server refused the object (schema, CEL rule). */
export class InvalidObjectError extends KubeError {
  constructor(message: string) {
    super(message, 422);
  }
}

export const isKubeNotFound = (e: unknown): e is KubeNotFoundError => e instanceof KubeNotFoundError;
export const isConflict = (e: unknown): e is ConflictError => e instanceof ConflictError;
export const isAlreadyExists = (e: unknown): e is AlreadyExistsError => e instanceof AlreadyExistsError;

/** 403: RBAC does not allow the request; the message names the verb, resource and namespace. */
export class ForbiddenError extends KubeError {
  constructor(message: string) {
    super(message, 403);
  }
}

export const isForbidden = (e: unknown): e is ForbiddenError => e instanceof ForbiddenError;

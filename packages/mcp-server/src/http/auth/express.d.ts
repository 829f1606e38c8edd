// express comes with the SDK (its auth handlers are express middleware) but without its types
// (@types/express is not installed); this declares the part of it the OAuth endpoint uses.
declare module 'express' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

  export interface Request extends IncomingMessage {
    body?: unknown;
    auth?: AuthInfo;
  }
  export interface Response extends ServerResponse {
    status(code: number): Response;
    set(headers: Record<string, string>): Response;
    send(body: string): Response;
    json(body: unknown): Response;
    redirect(status: number, url: string): void;
  }
  export type NextFunction = (err?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => void;
  export type ErrorHandler = (err: Error, req: Request, res: Response, next: NextFunction) => void;
  export interface Application {
    (req: IncomingMessage, res: ServerResponse, next?: NextFunction): void;
    disable(name: string): void;
    set(name: string, value: unknown): void;
    use(...handlers: (RequestHandler | ErrorHandler)[]): void;
    use(path: string, ...handlers: RequestHandler[]): void;
    all(path: string, ...handlers: RequestHandler[]): void;
    post(path: string, ...handlers: RequestHandler[]): void;
  }
  interface Express {
    (): Application;
    urlencoded(options: { extended: boolean; limit?: string; parameterLimit?: number }): RequestHandler;
  }
  const express: Express;
  export default express;
}

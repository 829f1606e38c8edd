/** Where the OAuth state lives when http.oauth.file is not set: the state dir, which the sandbox hides from the model. */
export const oauthFileOf = (stateDir: string, configured?: string): string => configured ?? `${stateDir.replace(/\/$/, '')}/oauth.json`;

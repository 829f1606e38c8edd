// Variables that make bash run code the policy never saw: a file sourced by every non-interactive
// shell (BASH_ENV, ENV), exported functions (BASH_FUNC_name%%), and options that expand a prompt
// string on every command (SHELLOPTS=xtrace with a PS4 of "$(...)").
const UNSEEN_CODE = /^(BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|BASH_FUNC_.*)$/;

/** Pure: the environment the model's commands run with, without the variables above. */
export function commandEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!UNSEEN_CODE.test(key)) clean[key] = value;
  return clean;
}

/** bash without startup files: what runs is exactly the command line the policy parsed. */
export function bashArgv(bash: string, command: string): string[] {
  return [bash, '--noprofile', '--norc', '-c', command];
}

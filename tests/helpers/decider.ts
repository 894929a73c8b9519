import { expect } from 'vitest';
import { fold, type Decider } from '../../domain/decider.ts';
import { DomainError, type DomainErrorCode } from '../../domain/errors.ts';

/**
 * given(past events).when(command).then(new events) / .thenThrows(code), emmett-style. The past
 * is folded with the decider's own evolve, so a spec also exercises evolve.
 */
export function specFor<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given(past: Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, past.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected: Event[]): void {
              expect(run()).toEqual(expected);
            },
            thenThrows(code: DomainErrorCode): void {
              let thrown: unknown;
              try {
                run();
              } catch (e) {
                thrown = e;
              }
              expect(thrown, `expected DomainError ${code}`).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
            },
          };
        },
      };
    },
  };
}

/**
 * given(past events).when(input).then(output) for a pure policy over a decider's folded state:
 * the same reading as a decider spec, and the past is folded with the decider's own evolve.
 */
export function policySpecFor<State, Event, Input, Output>(decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>, policy: (state: State, input: Input) => Output) {
  return {
    given(past: Event[]) {
      return {
        when(input: Input) {
          return {
            then(expected: Output): void {
              expect(policy(fold(decider, past), input)).toStrictEqual(expected);
            },
          };
        },
      };
    },
  };
}

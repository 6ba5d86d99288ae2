// What every page needs from the shell: the signed-in key pair and a way to show a flash message.
import { createContext, useContext } from 'react';
import type { Session } from '../aws/session';

export interface Flash {
  type: 'success' | 'error' | 'info';
  header?: string;
  content: string;
}

export interface ConsoleContext {
  session: Session;
  flash: (f: Flash) => void;
}

export const Ctx = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('useConsole outside the signed-in shell');
  return c;
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import {
  type ChatAction,
  type ChatProgress,
  chatSessionQuery,
  chatSessionsQuery,
  sendChat,
} from '../api/chat.ts';
import { Button } from '../components/Button.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { formatDateTime } from '../components/format.ts';
import { Markdown } from '../components/Markdown.tsx';
import { Panel } from '../components/Panel.tsx';
import { fieldError, ProblemMessage } from '../components/ProblemMessage.tsx';
import { Skeleton } from '../components/Skeleton.tsx';
import { TextField } from '../components/TextField.tsx';
import { QueryFailure } from './query-failure.tsx';
import { useTitle } from './title.ts';
import '../components/List.css';
import './chat.css';
import './workflows.css';

const route = getRouteApi('/signed-in/o/$org/chat');

/** Where an action of an answer leads: the workflow run, or the findings an agent run stored. */
function ActionLink({ org, action }: { org: string; action: ChatAction }) {
  return action.type === 'workflow' ? (
    <Link to="/o/$org/workflows/$id" params={{ org, id: action.workflow_id }}>
      Open workflow {action.workflow_id}
    </Link>
  ) : (
    <Link to="/o/$org/findings" params={{ org }}>
      See the findings of this run
    </Link>
  );
}

interface Turn {
  key: string;
  role: 'user' | 'assistant';
  content: string;
  actions: ChatAction[];
}

function Conversation({ org, turns }: { org: string; turns: Turn[] }) {
  return (
    <ol className="chat__turns" aria-label="Conversation">
      {turns.map((turn) => (
        <li
          key={turn.key}
          className={`chat__turn chat__turn--${turn.role}`}
          aria-label={turn.role === 'user' ? 'You' : 'Guardian'}
        >
          {turn.role === 'user' ? <p>{turn.content}</p> : <Markdown source={turn.content} />}
          {turn.actions.length > 0 ? (
            <ul className="chat__actions">
              {turn.actions.map((action) => (
                <li key={action.type === 'workflow' ? action.workflow_id : action.run_id}>
                  <ActionLink org={org} action={action} />
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

const newSessionId = (): string => crypto.randomUUID();

/** Ask in plain words; the answer streams in, with links to what it ran or started. */
export function ChatPage() {
  const { org } = route.useParams();
  const queryClient = useQueryClient();
  const [session, setSession] = useState<{ id: string; stored: boolean }>({
    id: newSessionId(),
    stored: false,
  });
  const [message, setMessage] = useState('');
  const [progress, setProgress] = useState<ChatProgress | undefined>();
  const sessions = useQuery(chatSessionsQuery(org));
  const history = useQuery({ ...chatSessionQuery(org, session.id), enabled: session.stored });
  useTitle('Chat');

  const send = useMutation({
    mutationFn: (text: string) => sendChat(org, { message: text, session_id: session.id }, setProgress),
    onSettled: () => setProgress(undefined),
    onSuccess: async (answer) => {
      setMessage('');
      setSession({ id: answer.session_id, stored: true });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['chat-session', org, answer.session_id] }),
        queryClient.invalidateQueries({ queryKey: ['chat-sessions', org] }),
      ]);
    },
  });
  if (sessions.isError) return <QueryFailure org={org} error={sessions.error} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate(message);
  };
  const stored = session.stored ? (history.data?.history ?? []) : [];
  const turns: Turn[] = stored.map((turn) => ({ ...turn, key: `${turn.created_at}-${turn.role}` }));
  if (send.isPending) turns.push({ key: 'sending', role: 'user', content: send.variables, actions: [] });

  return (
    <div>
      <header className="page-header">
        <div className="page-header__text">
          <p className="page-header__eyebrow">Assistant</p>
          <h1>Chat</h1>
        </div>
      </header>
      <div className="workflows">
        <Panel title="Your sessions" description="Private to you; they expire a day after their last message">
          <Button onClick={() => setSession({ id: newSessionId(), stored: false })}>New session</Button>
          {!sessions.data ? (
            <Skeleton lines={3} label="Loading your sessions" />
          ) : sessions.data.sessions.length === 0 ? (
            <p className="workflow-form__description">No sessions yet</p>
          ) : (
            <ul className="list" aria-label="Chat sessions">
              {sessions.data.sessions.map((entry) => (
                <li key={entry.session_id} className="list__item">
                  <button
                    type="button"
                    className="chat__session"
                    aria-current={entry.session_id === session.id ? 'true' : undefined}
                    onClick={() => setSession({ id: entry.session_id, stored: true })}
                  >
                    <span className="run-list__name">{formatDateTime(entry.last_active_at)}</span>
                    <span className="run-list__meta">{entry.messages} messages</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Conversation" description="Runs agents, shows findings, starts and decides workflows">
          {history.isError ? <ProblemMessage error={history.error} /> : null}
          {turns.length === 0 && !history.isLoading ? (
            <EmptyState title="Ask Guardian">
              Try “run a security scan on staging”, “analyze my cloud costs” or “help”.
            </EmptyState>
          ) : (
            <Conversation org={org} turns={turns} />
          )}
          <form className="workflow-form chat__form" onSubmit={submit} aria-label="Ask Guardian">
            <TextField
              label="Message"
              value={message}
              maxLength={2000}
              onChange={(event) => setMessage(event.target.value)}
              error={fieldError(send.error, 'message') ?? fieldError(send.error, 'session_id')}
              required
            />
            <Button type="submit" variant="primary" disabled={send.isPending || message.trim() === ''}>
              Send
            </Button>
            <output className="workflow-form__description" aria-label="Answer progress">
              {send.isPending ? (progress?.detail ?? 'Thinking…') : ''}
            </output>
            {fieldError(send.error, 'message') ? null : <ProblemMessage error={send.error} />}
          </form>
        </Panel>
      </div>
    </div>
  );
}

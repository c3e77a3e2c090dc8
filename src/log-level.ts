/**
 * The level a client picks with logging/setLevel, seen as the request goes by. The SDK's own handler still
 * answers it; the server only needs to know the choice, to send info and up until a client makes one.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LoggingLevelSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

function requestedLevel(message: unknown): LoggingLevel | undefined {
  const request = message as { method?: unknown; params?: { level?: unknown } } | null;
  if (request?.method !== 'logging/setLevel') return undefined;
  const level = LoggingLevelSchema.safeParse(request.params?.level);
  return level.success ? level.data : undefined;
}

/** `transport`, unchanged for the server that connects to it, telling `onLevel` each level a client sets. */
export function watchLogLevel(transport: Transport, onLevel: (level: LoggingLevel) => void): Transport {
  const watched: Transport = {
    start: () => transport.start(),
    send: (message, options) => transport.send(message, options),
    close: () => transport.close(),
    get sessionId() {
      return transport.sessionId;
    },
    setProtocolVersion: (version) => transport.setProtocolVersion?.(version),
  };
  transport.onmessage = (message, extra) => {
    const level = requestedLevel(message);
    if (level !== undefined) onLevel(level);
    watched.onmessage?.(message, extra);
  };
  transport.onclose = () => watched.onclose?.();
  transport.onerror = (error) => watched.onerror?.(error);
  return watched;
}

/**
 * A small Socket.IO v5 client (Engine.IO v4 over the websocket transport, {@code
 * java.net.http.WebSocket}) speaking through the shared codec, and the chat contract on top of it.
 *
 * <ul>
 *   <li>{@link dev.chatctl.cli.client.SocketClient}: a Socket.IO client of namespace "/": connect
 *       with an auth payload, events, acknowledgements, reconnection and connection-state recovery
 *       as socket.io-client 4.6+ does it. Inside: {@code SocketConnection} (one connection, attempt
 *       to end, over {@code EngineConnection}, which keeps the heartbeat), {@code Reconnection}
 *       (when to try again: exponential backoff with jitter), {@code Outbound} (buffer and
 *       acknowledgements), {@code Recovery} ({@code pid} and offset).
 *   <li>{@link dev.chatctl.cli.client.ChatClient}: the chat contract (PROTOCOL.md) as typed calls
 *       and {@link dev.chatctl.cli.client.ChatEvent} records; sends carry a {@code clientMessageId}
 *       and are retried across reconnects until the server answers.
 *   <li>{@link dev.chatctl.cli.client.ClientOptions}: where and as whom to connect; {@link
 *       dev.chatctl.cli.client.Backoff}; {@link dev.chatctl.cli.client.ClientException}.
 * </ul>
 *
 * <p>Threads: each client runs its state, its timers' work and every callback on one serial event
 * loop (over {@link ClientOptions#scheduler()}, so many clients can share a few threads). Callbacks
 * must not block; futures returned by the clients complete on that loop too.
 */
package dev.chatctl.cli.client;

/**
 * {@code chatctl connect}: the interactive terminal client on top of {@link
 * dev.chatctl.cli.client.ChatClient}. {@link dev.chatctl.cli.chat.ChatConsole} is the session; it
 * runs typed commands ({@code ConsoleCommands}), shows what arrives ({@code ConsoleEvents}), keeps
 * who I talk with and what is unread ({@code Conversations}) and where my own messages stand
 * ({@code OwnMessages}). {@code Screen} is what is shown: time-stamped lines, word-wrapped with a
 * hanging indent ({@code WordWrap}), own messages marked in place, and the status line ({@code
 * StatusLine}). {@link dev.chatctl.cli.chat.ConsoleIO} is where lines come from and go to: JLine
 * ({@link dev.chatctl.cli.chat.JLineIO}, with a prompt, completion, history, text printed above the
 * line being typed and a status line at the bottom) or plain streams for pipes ({@link
 * dev.chatctl.cli.chat.PlainIO}).
 */
package dev.chatctl.cli.chat;

/**
 * {@code chatctl connect}: the interactive terminal client on top of {@link
 * dev.chatctl.cli.client.ChatClient}. {@link dev.chatctl.cli.chat.ChatConsole} is the session
 * (commands, sends, what arrives); {@link dev.chatctl.cli.chat.ConsoleIO} is where lines come from
 * and go to: JLine ({@link dev.chatctl.cli.chat.JLineIO}, with a prompt, completion, history and
 * text printed above the line being typed) or plain streams for pipes ({@link
 * dev.chatctl.cli.chat.PlainIO}).
 */
package dev.chatctl.cli.chat;

package dev.chatctl.protocol.chat;

/** The event names of the chat contract (PROTOCOL.md). */
public final class Events {
  private Events() {}

  // client to server
  public static final String MESSAGE_SEND = "message:send";
  public static final String STATUS_REQUEST = "status:request";
  public static final String USERS_LIST = "users:list";
  public static final String MESSAGE_READ = "message:read";
  public static final String MESSAGE_HISTORY = "message:history";
  public static final String CONVERSATION_LIST = "conversation:list";

  // server to client
  public static final String MESSAGE_RECEIVE = "message:receive";
  public static final String MESSAGE_SENT = "message:sent";
  public static final String MESSAGE_ERROR = "message:error";
  public static final String MESSAGE_DELIVERED = "message:delivered";
  public static final String USER_ONLINE = "user:online";
  public static final String USER_OFFLINE = "user:offline";
  public static final String USERS_ONLINE = "users:online";
  public static final String AUTH_EXPIRED = "auth:expired";
}

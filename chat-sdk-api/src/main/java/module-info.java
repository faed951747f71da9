/** Records and ports of the chat SDK. Depends on nothing but the JDK (and JSpecify annotations). */
module dev.chatsdk.api {
  requires static transitive org.jspecify;

  exports dev.chatsdk.api;
  exports dev.chatsdk.api.port;
  exports dev.chatsdk.api.event;
}

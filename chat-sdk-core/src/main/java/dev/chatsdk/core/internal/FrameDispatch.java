package dev.chatsdk.core.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.Conversation;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.Message;
import dev.chatsdk.api.event.ClientFrame;
import dev.chatsdk.api.event.ServerFrame;
import dev.chatsdk.core.EngineListener;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the frames a client sends on its connection: decodes each, routes it to the operation it
 * asks for, and answers with an {@code ack}, an {@code error} or the frame's reply.
 *
 * <p>Threading: thread-safe and stateless. Runs on the transport thread that delivered the frame
 * (in arrival order); replies are sent from store callback threads through the session.
 */
final class FrameDispatch {
  private static final Logger log = LoggerFactory.getLogger(FrameDispatch.class);

  private final DefaultChatEngine engine;
  private final EngineConfig config;
  private final EngineListener listener;

  FrameDispatch(DefaultChatEngine engine) {
    this.engine = engine;
    this.config = engine.config();
    this.listener = config.listener();
  }

  /** Handles one client frame; never throws. */
  void handleText(Session session, String text) {
    ClientFrame frame;
    try {
      frame = config.codec().decode(text);
    } catch (ChatException e) {
      session.sendError(e, null, null);
      return;
    } catch (RuntimeException e) {
      session.sendError(new ChatException(ErrorCode.MALFORMED, "frame: unreadable"), null, null);
      return;
    }
    try {
      dispatch(session, frame);
    } catch (ChatException e) {
      session.sendError(e, frame.ref(), clientMsgIdOf(frame));
    } catch (RuntimeException e) {
      log.error("{}: frame {} failed", session, frame.type(), e);
      session.sendError(
          new ChatException(ErrorCode.INTERNAL, frame.type() + ": unexpected server error"),
          frame.ref(),
          clientMsgIdOf(frame));
    }
  }

  private static @Nullable String clientMsgIdOf(ClientFrame frame) {
    return frame instanceof ClientFrame.Send s ? s.clientMsgId() : null;
  }

  private void dispatch(Session session, ClientFrame frame) {
    if (frame instanceof ClientFrame.Send f) {
      long started = System.nanoTime();
      engine
          .messages
          .doSend(session.principal(), session, f.conversationId(), f.clientMsgId(), f.body())
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  session.sendError(
                      Engines.toChat(e, ErrorCode.UNAVAILABLE, "send"), f.ref(), f.clientMsgId());
                  return;
                }
                session.send(ack(f.ref(), r.message(), r.duplicate()));
                listener.ackLatency(Duration.ofNanos(System.nanoTime() - started));
              });
    } else if (frame instanceof ClientFrame.Edit f) {
      ackChange(
          session,
          f.ref(),
          engine.messages.edit(session.principal(), f.conversationId(), f.messageId(), f.body()));
    } else if (frame instanceof ClientFrame.Delete f) {
      ackChange(
          session,
          f.ref(),
          engine.messages.delete(session.principal(), f.conversationId(), f.messageId()));
    } else if (frame instanceof ClientFrame.Typing f) {
      Conversation c = engine.registry.cachedConversation(f.conversationId());
      if (c != null && c.isMember(session.userId)) {
        engine.typing.set(f.conversationId(), session.userId, f.typing());
      } else {
        engine
            .conversations
            .memberConversation(session.userId, f.conversationId())
            .whenComplete(
                (conv, e) -> {
                  if (e != null) {
                    session.sendError(
                        Engines.toChat(e, ErrorCode.UNAVAILABLE, "typing"), f.ref(), null);
                  } else {
                    engine.typing.set(f.conversationId(), session.userId, f.typing());
                  }
                });
      }
    } else if (frame instanceof ClientFrame.Read f) {
      engine
          .messages
          .doMarkRead(session.principal(), f.conversationId(), f.seq(), session)
          .whenComplete(
              (m, e) -> {
                if (e != null) {
                  session.sendError(
                      Engines.toChat(e, ErrorCode.UNAVAILABLE, "read"), f.ref(), null);
                }
              });
    } else if (frame instanceof ClientFrame.Sync f) {
      engine.syncs.sync(session, f);
    } else if (frame instanceof ClientFrame.Auth f) {
      engine.sessions.reauthenticate(session, f);
    } else if (frame instanceof ClientFrame.Ping f) {
      session.send(new ServerFrame.Pong(f.ref(), config.clock().instant()));
    }
  }

  private void ackChange(Session session, @Nullable String ref, CompletionStage<Message> stage) {
    stage.whenComplete(
        (m, e) -> {
          if (e != null) {
            session.sendError(Engines.toChat(e, ErrorCode.UNAVAILABLE, "change"), ref, null);
            return;
          }
          session.send(ack(ref, m, false));
        });
  }

  private static ServerFrame.Ack ack(@Nullable String ref, Message m, boolean duplicate) {
    return new ServerFrame.Ack(
        ref,
        m.conversationId(),
        m.clientMsgId(),
        m.id(),
        m.seq(),
        m.modSeq(),
        m.createdAt(),
        duplicate);
  }
}

package dev.chatsdk.mongo.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import dev.chatsdk.api.StoreUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Translates driver errors into the SDK's {@link ChatException}s. Stateless. */
public final class Errors {
  private Errors() {}

  /** A unique index rejected a write. Callers that expect it handle it; else it is a CONFLICT. */
  public static final class DuplicateKeyException extends ChatException {
    private static final long serialVersionUID = 1L;

    DuplicateKeyException(Throwable cause) {
      super(ErrorCode.CONFLICT, "duplicate key: " + cause.getMessage(), cause);
    }
  }

  /** The error as a {@link ChatException}; never a raw driver exception. */
  public static ChatException map(Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof ChatException chat) {
      return chat;
    }
    if (isDuplicateKey(t)) {
      return new DuplicateKeyException(t);
    }
    if (isUnavailable(t)) {
      return new StoreUnavailableException("mongodb unavailable: " + t.getMessage(), t);
    }
    if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("open")) {
      return new StoreUnavailableException("mongodb client is closed", t);
    }
    return new ChatException(ErrorCode.INTERNAL, "mongodb error: " + t.getMessage(), t);
  }

  /** The cause inside the JDK's completion wrappers. */
  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Whether the error, or its mapped form, says a unique index rejected the write. */
  public static boolean isDuplicateKey(Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof DuplicateKeyException) {
      return true;
    }
    if (t instanceof MongoWriteException w) {
      return w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }
    if (t instanceof MongoBulkWriteException b) {
      for (BulkWriteError e : b.getWriteErrors()) {
        if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
          return true;
        }
      }
      return false;
    }
    if (t instanceof MongoServerException s) {
      return ErrorCategory.fromErrorCode(s.getCode()) == ErrorCategory.DUPLICATE_KEY;
    }
    return false;
  }

  private static boolean isUnavailable(Throwable t) {
    return t instanceof MongoTimeoutException
        || t instanceof MongoSocketException
        || t instanceof MongoExecutionTimeoutException
        || t instanceof MongoInterruptedException
        || t instanceof MongoConnectionPoolClearedException
        || t instanceof MongoNotPrimaryException
        || t instanceof MongoNodeIsRecoveringException
        || t instanceof MongoWriteConcernException
        || t instanceof com.mongodb.MongoOperationTimeoutException
        || (t instanceof MongoClientException
            && t.getMessage() != null
            && t.getMessage().contains("closed"))
        || (t instanceof MongoException m
            && (m.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                || m.hasErrorLabel("RetryableWriteError")));
  }
}

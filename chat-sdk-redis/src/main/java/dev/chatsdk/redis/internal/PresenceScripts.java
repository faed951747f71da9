package dev.chatsdk.redis.internal;

/**
 * The Lua scripts that change presence state atomically. Time comes from Redis ({@code TIME}), so
 * node clocks do not matter for leases.
 *
 * <p>Keys, under a prefix {@code p}: {@code p nodes} (sorted set: node id scored by lease expiry in
 * ms), {@code p node:<nodeId>} (hash: a lease field, {@code sessionId + "\n" + userId}, to the user
 * id), {@code p user:<userId>} (hash: session id to node id), {@code p seen} (hash: user id to
 * last-seen ms). A user is online while their hash is not empty.
 */
public final class PresenceScripts {
  private PresenceScripts() {}

  private static final String NOW =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      """;

  /** The field of a session in its node's hash. */
  public static String leaseField(String sessionId, String userId) {
    return sessionId + "\n" + userId;
  }

  /** Lua: the session id of a node hash field, given the user id it maps to. */
  private static final String SESSION_OF =
      """
      local function sessionOf(field, uid) return string.sub(field, 1, #field - #uid - 1) end
      """;

  /**
   * Opens a session. KEYS: nodes, node, user. ARGV: nodeId, sessionId, userId, ttlMs. Returns 1
   * when the user went online.
   */
  public static final String OPEN =
      NOW
          + """
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
          redis.call('HSET', KEYS[2], ARGV[2] .. '\\n' .. ARGV[3], ARGV[3])
          local before = redis.call('HLEN', KEYS[3])
          redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
          if before == 0 then return 1 end
          return 0
          """;

  /**
   * Closes a session. KEYS: node, user, seen. ARGV: sessionId, userId, atMs. Returns 1 when it was
   * the user's last session.
   */
  public static final String CLOSE =
      """
      redis.call('HDEL', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2])
      local removed = redis.call('HDEL', KEYS[2], ARGV[1])
      if removed == 1 and redis.call('HLEN', KEYS[2]) == 0 then
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
        return 1
      end
      return 0
      """;

  /**
   * Renews a node's lease. KEYS: nodes, node. ARGV: nodeId, ttlMs, expected session count. Returns
   * 1 when Redis holds exactly the expected number of this node's sessions, 0 when the node must
   * re-sync them (Redis lost data, or peers expired the node while it was paused).
   */
  public static final String HEARTBEAT =
      NOW
          + """
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
          if redis.call('HLEN', KEYS[2]) == tonumber(ARGV[3]) then return 1 end
          return 0
          """;

  /**
   * Makes Redis hold exactly the given sessions of a node. KEYS: nodes, node, seen. ARGV: nodeId,
   * ttlMs, user key prefix, then lease field and userId pairs. Returns the transitions in order:
   * {@code "+<userId>"} (went online) or {@code "-<userId>"} (went offline), then as last element
   * the server time in ms.
   */
  public static final String SYNC =
      NOW
          + SESSION_OF
          + """
          local nodeId = ARGV[1]
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), nodeId)
          local prefix = ARGV[3]
          local desired = {}
          for i = 4, #ARGV, 2 do desired[ARGV[i]] = ARGV[i + 1] end
          local result = {}
          local current = redis.call('HGETALL', KEYS[2])
          for i = 1, #current, 2 do
            local field, uid = current[i], current[i + 1]
            local sid = sessionOf(field, uid)
            if desired[field] ~= uid then
              redis.call('HDEL', KEYS[2], field)
              local ukey = prefix .. uid
              if redis.call('HGET', ukey, sid) == nodeId then
                redis.call('HDEL', ukey, sid)
                if redis.call('HLEN', ukey) == 0 then
                  redis.call('HSET', KEYS[3], uid, now)
                  table.insert(result, '-' .. uid)
                end
              end
            end
          end
          for i = 4, #ARGV, 2 do
            local field, uid = ARGV[i], ARGV[i + 1]
            local sid = sessionOf(field, uid)
            local ukey = prefix .. uid
            redis.call('HSET', KEYS[2], field, uid)
            local before = redis.call('HLEN', ukey)
            if redis.call('HSET', ukey, sid, nodeId) == 1 and before == 0 then
              table.insert(result, '+' .. uid)
            end
          end
          table.insert(result, tostring(now))
          return result
          """;

  /** Lists nodes whose lease expired. KEYS: nodes. ARGV: max count. */
  public static final String EXPIRED_NODES =
      NOW
          + """
          return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, tonumber(ARGV[1]))
          """;

  /**
   * Releases up to a batch of a node's sessions, if its lease expired (or ARGV force is 1). KEYS:
   * nodes, node, seen. ARGV: nodeId, batch size, user key prefix, force. Returns {@code {more,
   * sessionsReleased, nowMs, userId...}} listing the users who went offline; {@code more} is 1 when
   * sessions remain.
   */
  public static final String EXPIRE_NODE =
      NOW
          + SESSION_OF
          + """
          local nodeId = ARGV[1]
          local score = redis.call('ZSCORE', KEYS[1], nodeId)
          if ARGV[4] ~= '1' and ((not score) or tonumber(score) >= now) then
            return {0, 0, tostring(now)}
          end
          local prefix = ARGV[3]
          local entries = redis.call('HRANDFIELD', KEYS[2], tonumber(ARGV[2]), 'WITHVALUES')
          local result = {0, 0, tostring(now)}
          local released = 0
          for i = 1, #entries, 2 do
            local field, uid = entries[i], entries[i + 1]
            local sid = sessionOf(field, uid)
            redis.call('HDEL', KEYS[2], field)
            released = released + 1
            local ukey = prefix .. uid
            if redis.call('HGET', ukey, sid) == nodeId then
              redis.call('HDEL', ukey, sid)
              if redis.call('HLEN', ukey) == 0 then
                redis.call('HSET', KEYS[3], uid, now)
                table.insert(result, uid)
              end
            end
          end
          result[2] = released
          if redis.call('HLEN', KEYS[2]) == 0 then
            redis.call('ZREM', KEYS[1], nodeId)
          else
            result[1] = 1
          end
          return result
          """;

  /**
   * Reads presence. KEYS: seen. ARGV: user key prefix, then user ids. Returns per user its session
   * count and last-seen ms ({@code ""} if never seen).
   */
  public static final String PRESENCE =
      """
      local result = {}
      for i = 2, #ARGV do
        local uid = ARGV[i]
        table.insert(result, redis.call('HLEN', ARGV[1] .. uid))
        local seen = redis.call('HGET', KEYS[1], uid)
        if not seen then seen = '' end
        table.insert(result, seen)
      end
      return result
      """;
}

/**
 * The Lua scripts that make the cluster's claims atomic in Redis (run with EVALSHA through
 * ioredis `defineCommand`), and the key names. Every key starts with the cluster's prefix.
 *
 *   <p>node:<node>        presence: exists while the node's heartbeat refreshes it (PX ttl)
 *   <p>nodes              set of node names ever registered (and not reaped)
 *   <p>user:<key>         owner node of a username (key: the name's comparison key)
 *   <p>users:<node>       hash: user key -> {"u": name, "r": room key or ""}
 *   <p>room:<rkey>        hash: name, id, private, salt, hash (scrypt; never the password)
 *   <p>roomusers:<rkey>   set of the room's user keys, cluster-wide
 *   <p>roomlock:<rkey>    a creator's reservation while answering the protect question (PX)
 *   <p>bus                the pub/sub channel every node listens on
 */

/**
 * Claims a username: KEYS user:<key>, users:<node>, node:<node>; ARGV node, prefix, key, record.
 * -1: this node is not registered (Redis lost its data; resync first); 0: a live node holds it;
 * 1: claimed (a name held by a dead node is taken over).
 */
export const CLAIM = `
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. 'node:' .. owner) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
return 1`;

/** Reserves a room name: KEYS room:<rk>, roomlock:<rk>, node:<node>; ARGV node, ms. */
export const RESERVE = `
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

/**
 * A user leaves: KEYS user:<key>, users:<node>, roomusers:<rk>, room:<rk>; ARGV node, key.
 * The last one out deletes the room.
 */
export const LEAVE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('SCARD', KEYS[3]) == 0 then redis.call('DEL', KEYS[4]) end
return 1`;

/** Forgets a dead node (presence expired) and its users: ARGV prefix, node. 0 if it is alive. */
export const REAP = `
local p, n = ARGV[1], ARGV[2]
if redis.call('EXISTS', p .. 'node:' .. n) == 1 then return 0 end
local users = redis.call('HGETALL', p .. 'users:' .. n)
for i = 1, #users, 2 do
  local key = users[i]
  local record = cjson.decode(users[i + 1])
  if redis.call('GET', p .. 'user:' .. key) == n then redis.call('DEL', p .. 'user:' .. key) end
  if record.r ~= '' then
    redis.call('SREM', p .. 'roomusers:' .. record.r, key)
    if redis.call('SCARD', p .. 'roomusers:' .. record.r) == 0 then
      redis.call('DEL', p .. 'room:' .. record.r)
    end
  end
end
redis.call('DEL', p .. 'users:' .. n)
redis.call('SREM', p .. 'nodes', n)
return 1`;

// A minimal chat server built the way a typical Node/Express + Socket.IO app is:
// JWT checked at connect, one room per conversation, emit to the room, ack to the sender.
// Messages are kept in memory (the typical app writes them to MongoDB first, which costs more).
'use strict';
const http = require('node:http');
const express = require('express');
const jwt = require('jsonwebtoken');
const { Server } = require('socket.io');

const port = Number(process.env.PORT || 0);
const secret = process.env.JWT_SECRET;
if (!secret) {
  console.error('JWT_SECRET is required');
  process.exit(2);
}

const conversations = new Map(); // id -> { members: Set<userId>, seq: number, messages: [] }
const app = express();
app.use(express.json({ limit: '4mb' }));

// Bench setup: conversations with their members (a real app has REST for this).
app.post('/setup', (req, res) => {
  for (const c of req.body.conversations || []) {
    conversations.set(c.id, { members: new Set(c.members), seq: 0, messages: [], byClientId: new Map() });
  }
  res.json({ ok: true, conversations: conversations.size });
});
app.get('/healthz', (_req, res) => res.json({ ok: true }));

const server = http.createServer(app);
const io = new Server(server, { transports: ['websocket'], maxHttpBufferSize: 65536 });

io.use((socket, next) => {
  const token = socket.handshake.auth && socket.handshake.auth.token;
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'] });
    socket.data.userId = claims.sub;
    next();
  } catch (e) {
    next(new Error('unauthenticated'));
  }
});

io.on('connection', (socket) => {
  const userId = socket.data.userId;
  for (const [id, c] of conversations) {
    if (c.members.has(userId)) socket.join(id);
  }
  socket.emit('hello', { userId });
  socket.on('send', (m, ack) => {
    const c = conversations.get(m && m.conversationId);
    if (!c || !c.members.has(userId)) {
      if (typeof ack === 'function') ack({ error: 'forbidden' });
      return;
    }
    const key = userId + ':' + m.clientMsgId;
    let stored = c.byClientId.get(key);
    if (!stored) {
      c.seq += 1;
      stored = {
        id: m.conversationId + ':' + c.seq,
        conversationId: m.conversationId,
        seq: c.seq,
        senderId: userId,
        clientMsgId: m.clientMsgId,
        body: String(m.body),
        createdAt: new Date().toISOString(),
      };
      c.messages.push(stored);
      if (c.messages.length > 10000) c.messages.shift();
      c.byClientId.set(key, stored);
      if (c.byClientId.size > 100000) c.byClientId.clear();
      io.to(m.conversationId).emit('message', stored);
    }
    if (typeof ack === 'function') ack({ id: stored.id, seq: stored.seq, createdAt: stored.createdAt });
  });
});

server.listen(port, '127.0.0.1', () => {
  console.log('LISTENING ' + server.address().port);
});
process.on('SIGTERM', () => process.exit(0));

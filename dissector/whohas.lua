-- Wireshark / tshark dissector for whohas (docs/PROTOCOL.md):
--   * the transfer datagram, wire version 2 (16-byte header, START/DATA/FIN/ACK/ABORT/ABORT_ACK),
--     found on any UDP port by a heuristic (version 1 or 2, type 1..6, length field = rest);
--   * the chat line protocol on TCP (port 50000 by default, a preference): one tree per line,
--     the first field is the line's tag (OK, ERROR, INFO, #sender, @target, ...).
-- Use: tshark -X lua_script:dissector/whohas.lua -o udp.try_heuristic_first:TRUE -r run.pcapng
--      wireshark -X lua_script:dissector/whohas.lua run.pcapng   (or copy it to the plugins folder)
-- Fields: whohas.version whohas.type whohas.length whohas.transfer_id whohas.seq whohas.crc
--   whohas.file_size whohas.sha256 whohas.window whohas.scheme whohas.flags whohas.token
--   whohas.sack whohas.code whohas.data_length; whohas_chat.line whohas_chat.tag
--   whohas_chat.code whohas_chat.peer whohas_chat.verb whohas_chat.text

local whohas = Proto("whohas", "whohas transfer datagram")

local TYPES = { [1] = "START", [2] = "DATA", [3] = "FIN", [4] = "ACK", [5] = "ABORT", [6] = "ABORT_ACK" }
local SCHEMES = { [1] = "gbn", [2] = "sr" }
local HEADER = 16
local START_PAYLOAD = 8 + 32 + 2 + 1 + 1 + 8

local f = whohas.fields
f.version = ProtoField.uint8("whohas.version", "Version", base.DEC)
f.type = ProtoField.uint8("whohas.type", "Type", base.DEC, TYPES)
f.length = ProtoField.uint16("whohas.length", "Payload length", base.DEC)
f.transfer_id = ProtoField.uint32("whohas.transfer_id", "Transfer id", base.DEC)
f.seq = ProtoField.uint32("whohas.seq", "Sequence", base.DEC)
f.crc = ProtoField.uint32("whohas.crc", "CRC-32", base.HEX)
f.file_size = ProtoField.uint64("whohas.file_size", "File size", base.DEC)
f.sha256 = ProtoField.bytes("whohas.sha256", "SHA-256")
f.window = ProtoField.uint16("whohas.window", "Window", base.DEC)
f.scheme = ProtoField.uint8("whohas.scheme", "ARQ scheme", base.DEC, SCHEMES)
f.flags = ProtoField.uint8("whohas.flags", "Flags (bit 0: SHA-256 in FIN)", base.HEX)
f.token = ProtoField.uint64("whohas.token", "Token", base.HEX)
f.sack = ProtoField.bytes("whohas.sack", "Selective-ACK bitmap")
f.code = ProtoField.string("whohas.code", "Abort code")
f.data_length = ProtoField.uint16("whohas.data_length", "File bytes", base.DEC)

local function looks_like_whohas(buffer)
  local size = buffer:len()
  if size < HEADER then return false end
  local version = buffer(0, 1):uint()
  local kind = buffer(1, 1):uint()
  return (version == 1 or version == 2) and TYPES[kind] ~= nil
    and buffer(2, 2):uint() + HEADER == size
end

function whohas.dissector(buffer, pinfo, tree)
  if not looks_like_whohas(buffer) then return 0 end
  local kind = buffer(1, 1):uint()
  local length = buffer(2, 2):uint()
  local seq = buffer(8, 4):uint()
  pinfo.cols.protocol = "WHOHAS"
  local subtree = tree:add(whohas, buffer(), "whohas " .. TYPES[kind])
  subtree:add(f.version, buffer(0, 1))
  subtree:add(f.type, buffer(1, 1))
  subtree:add(f.length, buffer(2, 2))
  subtree:add(f.transfer_id, buffer(4, 4))
  subtree:add(f.seq, buffer(8, 4))
  subtree:add(f.crc, buffer(12, 4))
  local info = string.format("%s id=%u seq=%u", TYPES[kind], buffer(4, 4):uint(), seq)
  local p = HEADER
  if kind == 1 and length == START_PAYLOAD then
    subtree:add(f.file_size, buffer(p, 8))
    subtree:add(f.sha256, buffer(p + 8, 32))
    subtree:add(f.window, buffer(p + 40, 2))
    subtree:add(f.scheme, buffer(p + 42, 1))
    subtree:add(f.flags, buffer(p + 43, 1))
    subtree:add(f.token, buffer(p + 44, 8))
    info = info .. string.format(" size=%s N=%u %s", tostring(buffer(p, 8):uint64()),
      buffer(p + 40, 2):uint(), SCHEMES[buffer(p + 42, 1):uint()] or "?")
  elseif kind == 2 then
    subtree:add(f.data_length, buffer(2, 2))
    info = info .. string.format(" len=%u", length)
  elseif kind == 3 and length == 32 then
    subtree:add(f.sha256, buffer(p, 32))
  elseif kind == 4 and length >= 10 then
    subtree:add(f.token, buffer(p, 8))
    subtree:add(f.window, buffer(p + 8, 2))
    if length > 10 then subtree:add(f.sack, buffer(p + 10, length - 10)) end
    info = info .. string.format(" win=%u", buffer(p + 8, 2):uint())
  elseif kind == 5 and length > 8 then
    subtree:add(f.token, buffer(p, 8))
    subtree:add(f.code, buffer(p + 8, length - 8))
    info = info .. " " .. buffer(p + 8, length - 8):string()
  end
  pinfo.cols.info = info
  return buffer:len()
end

whohas:register_heuristic("udp", function(buffer, pinfo, tree)
  if not looks_like_whohas(buffer) then return false end
  whohas.dissector(buffer, pinfo, tree)
  return true
end)

local chat = Proto("whohas_chat", "whohas chat line protocol")
local c = chat.fields
c.line = ProtoField.string("whohas_chat.line", "Line")
c.tag = ProtoField.string("whohas_chat.tag", "Tag (first field)")
c.code = ProtoField.string("whohas_chat.code", "Code (ERROR, INFO)")
c.peer = ProtoField.string("whohas_chat.peer", "User (#sender or @target)")
c.verb = ProtoField.string("whohas_chat.verb", "Verb (whohas, have, getfile, sending, ...)")
c.text = ProtoField.string("whohas_chat.text", "Text")
chat.prefs.port = Pref.uint("TCP port", 50000, "the chat server's port")

local function split(line)
  local fields = {}
  for field in string.gmatch(line .. "|", "([^|]*)|") do fields[#fields + 1] = field end
  return fields
end

function chat.dissector(buffer, pinfo, tree)
  local size = buffer:len()
  local offset = 0
  local lines = {}
  while offset < size do
    local rest = buffer(offset):string()
    local newline = string.find(rest, "\n", 1, true)
    if newline == nil then
      -- A line cut across segments: ask TCP for more.
      pinfo.desegment_offset = offset
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      break
    end
    local text = string.sub(rest, 1, newline - 1):gsub("\r$", "")
    local item = tree:add(chat, buffer(offset, newline), "whohas chat: " .. text)
    item:add(c.line, buffer(offset, newline - 1), text)
    local fields = split(text)
    local tag = fields[1] or ""
    item:add(c.tag, buffer(offset, #tag), tag)
    if tag == "ERROR" or tag == "INFO" then
      item:add(c.code, fields[2] or "")
    elseif string.sub(tag, 1, 1) == "#" or string.sub(tag, 1, 1) == "@" then
      item:add(c.peer, string.sub(tag, 2))
      if fields[2] ~= nil then item:add(c.verb, fields[2]) end
      item:add(c.text, string.sub(text, #tag + 2))
    end
    lines[#lines + 1] = text
    offset = offset + newline
  end
  if #lines > 0 then
    pinfo.cols.protocol = "WHOHAS-CHAT"
    pinfo.cols.info = table.concat(lines, " ⏎ ")
  end
  return offset
end

DissectorTable.get("tcp.port"):add(chat.prefs.port, chat)

// whohas native UDP batch sends (Linux): many datagrams per system call on a connected UDP
// socket, where node:dgram makes one sendmsg(2) per datagram plus a JavaScript-to-C++ round trip.
//
//   sendmmsg(fd, buffers, start)      buffers[start..] with sendmmsg(2), as many calls as needed
//   sendGso(fd, buffers, start, size) buffers[start..] as UDP GSO super-datagrams: one sendmsg(2)
//                                     with a UDP_SEGMENT control message per up to 64 segments
//   syscalls()                        sendmmsg/sendmsg calls made so far (for the benchmarks)
//
// Both return how many datagrams the kernel took (counted from `start`), or -errno when it took
// none. A short count means the next one failed (EAGAIN/ENOBUFS: the socket buffer is full;
// EMSGSIZE: that datagram is too large; ...): the caller calls again from start + count, which
// then reports that datagram's error. The socket must be connected (no address is given) and
// non-blocking (libuv's are); MSG_DONTWAIT makes sure a call never blocks the event loop.
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

namespace {

// sendmmsg takes at most UIO_MAXIOV (1024) messages per call.
constexpr uint32_t kMaxMessages = 1024;
// The kernel's UDP_MAX_SEGMENTS (64 before Linux 6.x raised it to 128: the lower works on both).
constexpr uint32_t kMaxSegments = 64;
// One IPv4 UDP datagram's payload: 65535 - 20 (IP header) - 8 (UDP header).
constexpr size_t kMaxGsoBytes = 65507;

thread_local mmsghdr messages[kMaxMessages];
thread_local iovec vectors[kMaxMessages];
double syscallCount = 0;

napi_value Throw(napi_env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
  return nullptr;
}

napi_value Number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

// The arguments both send functions share: fd, an array of Uint8Array, a start index.
struct Batch {
  int fd;
  napi_value array;
  uint32_t length;
  uint32_t start;
};

bool ReadBatch(napi_env env, napi_callback_info info, Batch* batch, uint32_t* segment) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  size_t wanted = segment == nullptr ? 3 : 4;
  bool isArray = false;
  if (argc < wanted || napi_get_value_int32(env, argv[0], &batch->fd) != napi_ok ||
      napi_is_array(env, argv[1], &isArray) != napi_ok || !isArray ||
      napi_get_value_uint32(env, argv[2], &batch->start) != napi_ok ||
      (segment != nullptr && napi_get_value_uint32(env, argv[3], segment) != napi_ok)) {
    Throw(env, segment == nullptr ? "sendmmsg(fd, buffers, start)"
                                  : "sendGso(fd, buffers, start, segmentBytes)");
    return false;
  }
  batch->array = argv[1];
  napi_get_array_length(env, argv[1], &batch->length);
  if (batch->start > batch->length) batch->start = batch->length;
  return true;
}

// The bytes of buffers[index] (a Buffer or any Uint8Array).
bool BytesAt(napi_env env, napi_value array, uint32_t index, iovec* out) {
  napi_value element;
  bool isTyped = false;
  if (napi_get_element(env, array, index, &element) != napi_ok ||
      napi_is_typedarray(env, element, &isTyped) != napi_ok || !isTyped) {
    Throw(env, "every datagram must be a Buffer or Uint8Array");
    return false;
  }
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value arrayBuffer;
  size_t offset;
  napi_get_typedarray_info(env, element, &type, &length, &data, &arrayBuffer, &offset);
  if (type != napi_uint8_array) {
    Throw(env, "every datagram must be a Buffer or Uint8Array");
    return false;
  }
  out->iov_base = data;
  out->iov_len = length;
  return true;
}

napi_value SendMmsg(napi_env env, napi_callback_info info) {
  Batch batch;
  if (!ReadBatch(env, info, &batch, nullptr)) return nullptr;
  uint32_t sent = 0;
  uint32_t index = batch.start;
  while (index < batch.length) {
    uint32_t count = batch.length - index;
    if (count > kMaxMessages) count = kMaxMessages;
    for (uint32_t i = 0; i < count; i++) {
      if (!BytesAt(env, batch.array, index + i, &vectors[i])) return nullptr;
      memset(&messages[i], 0, sizeof(mmsghdr));
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    int result;
    do {
      syscallCount++;
      result = sendmmsg(batch.fd, messages, count, MSG_DONTWAIT);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return Number(env, sent > 0 ? static_cast<double>(sent) : -static_cast<double>(errno));
    sent += result;
    index += result;
    if (static_cast<uint32_t>(result) < count) break;  // the next one fails: the caller asks again
  }
  return Number(env, sent);
}

napi_value SendGso(napi_env env, napi_callback_info info) {
  Batch batch;
  uint32_t segment = 0;
  if (!ReadBatch(env, info, &batch, &segment)) return nullptr;
  if (segment == 0 || segment > kMaxGsoBytes) return Throw(env, "segmentBytes out of range");
  uint32_t perCall = static_cast<uint32_t>(kMaxGsoBytes / segment);
  if (perCall > kMaxSegments) perCall = kMaxSegments;
  if (perCall == 0) perCall = 1;
  uint32_t sent = 0;
  uint32_t index = batch.start;
  while (index < batch.length) {
    uint32_t count = batch.length - index;
    if (count > perCall) count = perCall;
    // Every segment is `segment` bytes except the last of the whole batch, which may be shorter:
    // the kernel cuts the payload at every `segment` bytes.
    for (uint32_t i = 0; i < count; i++) {
      if (!BytesAt(env, batch.array, index + i, &vectors[i])) return nullptr;
      bool last = index + i == batch.length - 1;
      if (vectors[i].iov_len > segment || (!last && vectors[i].iov_len != segment)) {
        return Throw(env, "GSO segments must all be segmentBytes long (the last may be shorter)");
      }
    }
    char control[CMSG_SPACE(sizeof(uint16_t))];
    memset(control, 0, sizeof(control));
    msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = vectors;
    message.msg_iovlen = count;
    if (count > 1) {
      message.msg_control = control;
      message.msg_controllen = sizeof(control);
      cmsghdr* header = CMSG_FIRSTHDR(&message);
      header->cmsg_level = SOL_UDP;
      header->cmsg_type = UDP_SEGMENT;
      header->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      uint16_t size = static_cast<uint16_t>(segment);
      memcpy(CMSG_DATA(header), &size, sizeof(size));
    }
    ssize_t result;
    do {
      syscallCount++;
      result = sendmsg(batch.fd, &message, MSG_DONTWAIT);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return Number(env, sent > 0 ? static_cast<double>(sent) : -static_cast<double>(errno));
    sent += count;
    index += count;
  }
  return Number(env, sent);
}

napi_value Syscalls(napi_env env, napi_callback_info) { return Number(env, syscallCount); }

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      {"sendmmsg", nullptr, SendMmsg, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sendGso", nullptr, SendGso, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"syscalls", nullptr, Syscalls, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, 3, functions);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

// Textbook Go-Back-N endpoints over ns-3 UDP sockets, shared by gbn.cc and dumbbell.cc: the
// exchange whohas's Go-Back-N makes (docs/PROTOCOL.md), packet for packet, without its wire
// format. See gbn.cc for the rules.
#pragma once
#include "ns3/core-module.h"
#include "ns3/network-module.h"

#include <vector>

using namespace ns3;

struct GbnConfig
{
    uint32_t window = 8;
    uint32_t packet = 1400;
    uint64_t bytes = 1000000;
    double rtoMs = 40;
    uint32_t startBytes = 68;
    uint32_t finBytes = 16;
    uint32_t ackBytes = 26;
    uint32_t header = 16;
};

static GbnConfig g;

static Ptr<Packet>
MakePacket(uint32_t index, uint32_t size)
{
    std::vector<uint8_t> bytes(size, 0);
    bytes[0] = index >> 24;
    bytes[1] = index >> 16;
    bytes[2] = index >> 8;
    bytes[3] = index;
    return Create<Packet>(bytes.data(), size);
}

static uint32_t
IndexOf(Ptr<Packet> packet)
{
    uint8_t head[4];
    packet->CopyData(head, 4);
    return (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
}

class Sender
{
  public:
    Ptr<Socket> socket;
    uint32_t total = 0; // START, n DATA, FIN
    uint32_t base = 0;
    uint32_t next = 0;
    uint32_t highest = 0;
    bool validated = false;
    uint32_t timeouts = 0;
    uint32_t sent = 0;
    uint32_t acksHeard = 0;
    EventId timer;

    uint32_t SizeOf(uint32_t index) const
    {
        if (index == 0)
            return g.startBytes;
        if (index == total - 1)
            return g.finBytes;
        uint64_t payload = g.packet - g.header;
        uint64_t offset = uint64_t(index - 1) * payload;
        uint64_t rest = g.bytes - offset;
        return g.header + uint32_t(rest < payload ? rest : payload);
    }

    void Restart()
    {
        timer.Cancel();
        timer = Simulator::Schedule(MicroSeconds(int64_t(g.rtoMs * 1000)), &Sender::Timeout, this);
    }

    void Pump()
    {
        uint32_t limit = validated ? g.window : 1;
        while (next < total && next - base < limit)
        {
            uint32_t index = next;
            socket->Send(MakePacket(index, SizeOf(index)));
            sent++;
            if (index + 1 > highest)
                highest = index + 1;
            if (index == base)
                Restart();
            next = index + 1;
        }
    }

    void Timeout()
    {
        timeouts++;
        next = base;
        Restart();
        Pump();
    }

    void OnAck(Ptr<Socket> s)
    {
        Ptr<Packet> packet;
        while ((packet = s->Recv()))
        {
            acksHeard++;
            uint32_t index = IndexOf(packet);
            if (index <= base || index > highest)
                continue; // duplicate, or beyond anything sent
            validated = true;
            if (index > next)
                next = index;
            base = index;
            if (base == total)
            {
                timer.Cancel();
                return;
            }
            if (base < next)
                Restart();
            else
                timer.Cancel();
            Pump();
        }
    }
};

class Receiver
{
  public:
    Ptr<Socket> socket;
    uint32_t total = 0;
    uint32_t expected = 0;
    double startedAt = -1;
    double endedAt = -1;
    uint32_t received = 0;

    void OnData(Ptr<Socket> s)
    {
        Ptr<Packet> packet;
        Address from;
        while ((packet = s->RecvFrom(from)))
        {
            received++;
            uint32_t index = IndexOf(packet);
            if (index == expected)
            {
                double now = Simulator::Now().GetSeconds();
                if (index == 0)
                    startedAt = now;
                if (index == total - 1)
                    endedAt = now;
                expected++;
            }
            s->SendTo(MakePacket(expected, g.ackBytes), 0, from);
        }
    }
};


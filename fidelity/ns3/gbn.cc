// Textbook Go-Back-N over UDP sockets in ns-3 3.37, the reference for test/fidelity/gbn.test.ts:
// the exchange whohas's Go-Back-N makes (docs/PROTOCOL.md), packet for packet, without its
// wire format. A START of `startBytes` goes alone; once acknowledged, up to `window` DATA
// packets of `packet` bytes (the last one shorter) and then a FIN of `finBytes` may be
// outstanding. The receiver answers every packet with a cumulative ACK of `ackBytes` (the next
// index expected) and discards any packet out of order. One timer of a fixed `rtoMs` for the
// oldest outstanding packet: restarted when that packet is (re)sent and when an ACK advances
// the base with packets still out, stopped when none are; on expiry the sender goes back to the
// base. No fast retransmit, no congestion control. Loss: i.i.d. per packet with probability
// `loss` on the data direction (a RateErrorModel on the receiver's device), both links of
// `rateBps` and `delayMs`, unlimited device queues, no queue disc.
//
// Runs `runs` transfers (ns-3 RngRun firstRun, firstRun + 1, ...), one line each:
//   run <r> seconds <s> timeouts <n> sent <n>
// where seconds is START's arrival to FIN's arrival at the receiver (what whohas reports).
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <cstdio>

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

    void OnData(Ptr<Socket> s)
    {
        Ptr<Packet> packet;
        Address from;
        while ((packet = s->RecvFrom(from)))
        {
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

int
main(int argc, char* argv[])
{
    double rateBps = 100e6;
    double delayMs = 5;
    double loss = 0;
    uint32_t runs = 1;
    uint32_t firstRun = 1;
    CommandLine cmd;
    cmd.AddValue("rateBps", "link rate, bit/s (both directions)", rateBps);
    cmd.AddValue("delayMs", "propagation delay, ms (both directions)", delayMs);
    cmd.AddValue("loss", "packet loss probability on the data direction", loss);
    cmd.AddValue("window", "N", g.window);
    cmd.AddValue("packet", "DATA datagram bytes, header included", g.packet);
    cmd.AddValue("bytes", "file size", g.bytes);
    cmd.AddValue("rtoMs", "fixed retransmission timeout, ms", g.rtoMs);
    cmd.AddValue("startBytes", "START datagram bytes", g.startBytes);
    cmd.AddValue("finBytes", "FIN datagram bytes", g.finBytes);
    cmd.AddValue("ackBytes", "ACK datagram bytes", g.ackBytes);
    cmd.AddValue("runs", "transfers, one per RngRun", runs);
    cmd.AddValue("firstRun", "the first RngRun", firstRun);
    cmd.Parse(argc, argv);

    uint64_t payload = g.packet - g.header;
    uint32_t dataPackets = uint32_t((g.bytes + payload - 1) / payload);
    for (uint32_t r = firstRun; r < firstRun + runs; r++)
    {
        RngSeedManager::SetSeed(1);
        RngSeedManager::SetRun(r);
        NodeContainer nodes;
        nodes.Create(2);
        PointToPointHelper link;
        link.SetDeviceAttribute("DataRate", DataRateValue(DataRate(uint64_t(rateBps))));
        link.SetChannelAttribute("Delay", TimeValue(NanoSeconds(int64_t(delayMs * 1e6))));
        link.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1000000p")));
        NetDeviceContainer devices = link.Install(nodes);
        if (loss > 0)
        {
            Ptr<RateErrorModel> errors = CreateObject<RateErrorModel>();
            errors->SetAttribute("ErrorUnit", EnumValue(RateErrorModel::ERROR_UNIT_PACKET));
            errors->SetAttribute("ErrorRate", DoubleValue(loss));
            devices.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(errors));
        }
        InternetStackHelper stack;
        stack.Install(nodes);
        Ipv4AddressHelper addresses("192.0.2.0", "255.255.255.0");
        Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
        TrafficControlHelper tc;
        tc.Uninstall(devices);

        Receiver receiver;
        receiver.total = dataPackets + 2;
        receiver.socket = Socket::CreateSocket(nodes.Get(1), UdpSocketFactory::GetTypeId());
        receiver.socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        receiver.socket->SetRecvCallback(MakeCallback(&Receiver::OnData, &receiver));
        Sender sender;
        sender.total = dataPackets + 2;
        sender.socket = Socket::CreateSocket(nodes.Get(0), UdpSocketFactory::GetTypeId());
        sender.socket->Bind();
        sender.socket->Connect(InetSocketAddress(interfaces.GetAddress(1), 9));
        sender.socket->SetRecvCallback(MakeCallback(&Sender::OnAck, &sender));
        Simulator::ScheduleNow(&Sender::Pump, &sender);
        Simulator::Run();
        Simulator::Destroy();
        std::printf("run %u seconds %.9f timeouts %u sent %u\n",
                    r,
                    receiver.endedAt - receiver.startedAt,
                    sender.timeouts,
                    sender.sent);
    }
    return 0;
}

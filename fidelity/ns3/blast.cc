// A UDP blast through one drop-tail point-to-point link (ns-3 3.37), the reference for
// test/fidelity/blast.test.ts. Node 0 sends `count` datagrams of `size` bytes (UDP payload), one
// every `intervalUs`, to node 1 over a link of `rateBps` and `delayMs` whose device queue holds
// `queue` ("16p" or "23000B": ns-3's DropTailQueue, waiting packets only). No queue disc (the
// traffic-control layer is uninstalled), so the device queue is the only one. Prints one line:
//   sent <n> delivered <n> dropped <n> mean_delay_ms <x> max_delay_ms <x> last_arrival_ms <x>
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <cstdio>

using namespace ns3;

static uint32_t g_delivered = 0;
static double g_delaySum = 0;
static double g_delayMax = 0;
static double g_lastArrival = 0;
static double g_intervalUs = 0;

static void
Receive(Ptr<Socket> socket)
{
    Ptr<Packet> packet;
    while ((packet = socket->Recv()))
    {
        uint8_t head[4];
        packet->CopyData(head, 4);
        uint32_t seq = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
        double now = Simulator::Now().GetSeconds() * 1000.0;
        double delay = now - seq * g_intervalUs / 1000.0;
        g_delivered++;
        g_delaySum += delay;
        if (delay > g_delayMax)
        {
            g_delayMax = delay;
        }
        g_lastArrival = now;
    }
}

static void
SendOne(Ptr<Socket> socket, uint32_t seq, uint32_t size)
{
    std::vector<uint8_t> bytes(size, 0);
    bytes[0] = seq >> 24;
    bytes[1] = seq >> 16;
    bytes[2] = seq >> 8;
    bytes[3] = seq;
    socket->Send(Create<Packet>(bytes.data(), size));
}

int
main(int argc, char* argv[])
{
    double rateBps = 10e6;
    double delayMs = 20;
    std::string queue = "16p";
    uint32_t size = 1000;
    uint32_t count = 2000;
    CommandLine cmd;
    cmd.AddValue("rateBps", "link rate, bit/s", rateBps);
    cmd.AddValue("delayMs", "propagation delay, ms", delayMs);
    cmd.AddValue("queue", "device queue size (ns-3 QueueSize: 16p, 23000B)", queue);
    cmd.AddValue("size", "UDP payload bytes", size);
    cmd.AddValue("count", "datagrams sent", count);
    cmd.AddValue("intervalUs", "microseconds between sends", g_intervalUs);
    cmd.Parse(argc, argv);

    NodeContainer nodes;
    nodes.Create(2);
    PointToPointHelper link;
    link.SetDeviceAttribute("DataRate", DataRateValue(DataRate(uint64_t(rateBps))));
    link.SetChannelAttribute("Delay", TimeValue(MicroSeconds(int64_t(delayMs * 1000))));
    link.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(queue)));
    NetDeviceContainer devices = link.Install(nodes);
    InternetStackHelper stack;
    stack.Install(nodes);
    Ipv4AddressHelper addresses("192.0.2.0", "255.255.255.0");
    Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
    TrafficControlHelper tc;
    tc.Uninstall(devices);

    Ptr<Socket> sink = Socket::CreateSocket(nodes.Get(1), UdpSocketFactory::GetTypeId());
    sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
    sink->SetRecvCallback(MakeCallback(&Receive));
    Ptr<Socket> source = Socket::CreateSocket(nodes.Get(0), UdpSocketFactory::GetTypeId());
    source->Bind();
    source->Connect(InetSocketAddress(interfaces.GetAddress(1), 9));
    for (uint32_t seq = 0; seq < count; seq++)
    {
        Simulator::Schedule(NanoSeconds(int64_t(seq * g_intervalUs * 1000)), &SendOne, source, seq, size);
    }
    Simulator::Run();
    Simulator::Destroy();
    std::printf("sent %u delivered %u dropped %u mean_delay_ms %.9f max_delay_ms %.9f last_arrival_ms %.9f\n",
                count,
                g_delivered,
                count - g_delivered,
                g_delivered > 0 ? g_delaySum / g_delivered : 0.0,
                g_delayMax,
                g_lastArrival);
    return 0;
}

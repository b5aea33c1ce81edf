// K textbook Go-Back-N flows (gbn-endpoints.h) across one bottleneck in ns-3 3.37, the reference
// for test/fidelity/dumbbell.test.ts: sender i → left router → right router → receiver i, all
// starting at once. The bottleneck has `rateBps`, `delayMs` and a DropTailQueue of `queue`
// ("100p": waiting packets only) each way; access links `accessBps` with no delay and
// unlimited queues; no queue discs. One line per flow, then the bottleneck's drops:
//   flow <i> start <s> end <s> timeouts <n> sent <n>
//   drops <n>
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"
#include "gbn-endpoints.h"

#include <cstdio>
#include <memory>

using namespace ns3;

int
main(int argc, char* argv[])
{
    double rateBps = 10e6;
    double delayMs = 20;
    double accessBps = 10e9;
    std::string queue = "64000B";
    uint32_t flows = 2;
    CommandLine cmd;
    cmd.AddValue("flows", "K sender/receiver pairs", flows);
    cmd.AddValue("rateBps", "bottleneck rate, bit/s", rateBps);
    cmd.AddValue("delayMs", "bottleneck delay, ms", delayMs);
    cmd.AddValue("queue", "bottleneck queue (ns-3 QueueSize)", queue);
    cmd.AddValue("accessBps", "access link rate, bit/s", accessBps);
    cmd.AddValue("window", "N", g.window);
    cmd.AddValue("packet", "DATA datagram bytes, header included", g.packet);
    cmd.AddValue("bytes", "file size per flow", g.bytes);
    cmd.AddValue("rtoMs", "fixed retransmission timeout, ms", g.rtoMs);
    cmd.AddValue("startBytes", "START datagram bytes", g.startBytes);
    cmd.AddValue("finBytes", "FIN datagram bytes", g.finBytes);
    cmd.AddValue("ackBytes", "ACK datagram bytes", g.ackBytes);
    cmd.Parse(argc, argv);

    NodeContainer routers;
    routers.Create(2);
    NodeContainer senders;
    senders.Create(flows);
    NodeContainer receivers;
    receivers.Create(flows);
    InternetStackHelper stack;
    stack.Install(routers);
    stack.Install(senders);
    stack.Install(receivers);

    PointToPointHelper bottleneck;
    bottleneck.SetDeviceAttribute("DataRate", DataRateValue(DataRate(uint64_t(rateBps))));
    bottleneck.SetChannelAttribute("Delay", TimeValue(NanoSeconds(int64_t(delayMs * 1e6))));
    bottleneck.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(queue)));
    PointToPointHelper access;
    access.SetDeviceAttribute("DataRate", DataRateValue(DataRate(uint64_t(accessBps))));
    access.SetChannelAttribute("Delay", TimeValue(Seconds(0)));
    access.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1000000p")));

    TrafficControlHelper tc;
    Ipv4AddressHelper addresses;
    NetDeviceContainer middle = bottleneck.Install(routers);
    addresses.SetBase("192.0.2.0", "255.255.255.252");
    addresses.Assign(middle);
    tc.Uninstall(middle);
    std::vector<Ipv4Address> receiverAddresses;
    for (uint32_t i = 0; i < flows; i++)
    {
        NetDeviceContainer left = access.Install(senders.Get(i), routers.Get(0));
        NetDeviceContainer right = access.Install(receivers.Get(i), routers.Get(1));
        std::ostringstream leftBase;
        leftBase << "10.1." << i << ".0";
        addresses.SetBase(leftBase.str().c_str(), "255.255.255.0");
        addresses.Assign(left);
        std::ostringstream rightBase;
        rightBase << "10.2." << i << ".0";
        addresses.SetBase(rightBase.str().c_str(), "255.255.255.0");
        receiverAddresses.push_back(addresses.Assign(right).GetAddress(0));
        tc.Uninstall(left);
        tc.Uninstall(right);
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    uint64_t payload = g.packet - g.header;
    uint32_t dataPackets = uint32_t((g.bytes + payload - 1) / payload);
    std::vector<std::unique_ptr<Sender>> flowSenders;
    std::vector<std::unique_ptr<Receiver>> flowReceivers;
    for (uint32_t i = 0; i < flows; i++)
    {
        auto receiver = std::make_unique<Receiver>();
        receiver->total = dataPackets + 2;
        receiver->socket = Socket::CreateSocket(receivers.Get(i), UdpSocketFactory::GetTypeId());
        receiver->socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        receiver->socket->SetRecvCallback(MakeCallback(&Receiver::OnData, receiver.get()));
        auto sender = std::make_unique<Sender>();
        sender->total = dataPackets + 2;
        sender->socket = Socket::CreateSocket(senders.Get(i), UdpSocketFactory::GetTypeId());
        sender->socket->Bind();
        sender->socket->Connect(InetSocketAddress(receiverAddresses[i], 9));
        sender->socket->SetRecvCallback(MakeCallback(&Sender::OnAck, sender.get()));
        Simulator::ScheduleNow(&Sender::Pump, sender.get());
        flowReceivers.push_back(std::move(receiver));
        flowSenders.push_back(std::move(sender));
    }
    Simulator::Run();
    // Drops counted end to end (every queue on the way is unlimited but the bottleneck's): ns-3
    // 3.37 drops silently in the traffic-control layer when a device queue without a queue disc
    // has stopped, so no trace source sees them all.
    uint64_t drops = 0;
    for (uint32_t i = 0; i < flows; i++)
    {
        drops += flowSenders[i]->sent - flowReceivers[i]->received;
        drops += flowReceivers[i]->received - flowSenders[i]->acksHeard;
        std::printf("flow %u start %.9f end %.9f timeouts %u sent %u\n",
                    i + 1,
                    flowReceivers[i]->startedAt,
                    flowReceivers[i]->endedAt,
                    flowSenders[i]->timeouts,
                    flowSenders[i]->sent);
    }
    std::printf("drops %lu\n", (unsigned long)drops);
    Simulator::Destroy();
    return 0;
}

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
#include "gbn-endpoints.h"

#include <cstdio>

using namespace ns3;

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

import { ACCOUNT, VPC_ID, type Eni, type World } from '../world.ts';

/** `aws ec2 describe-network-interfaces` output as the AWS CLI prints it (4-space indented JSON). */
export function eniSnapshot(w: World, enis: Eni[], attachMs: number): { text: string; records: number } {
  const items = enis.map((e) => {
    const attachment: Record<string, unknown> = {
      AttachTime: new Date(attachMs).toISOString().replace('.000Z', '+00:00'),
      AttachmentId: `${e.kind === 'lambda' ? 'ela-attach' : 'eni-attach'}-0${e.id.slice(5)}`,
      DeleteOnTermination: e.kind === 'ec2',
      DeviceIndex: e.kind === 'lambda' ? 1 : 0,
      InstanceOwnerId: e.kind === 'ec2' ? ACCOUNT : 'amazon-aws',
      Status: 'attached',
    };
    if (e.instanceId) attachment.InstanceId = e.instanceId;
    const out: Record<string, unknown> = {
      Attachment: attachment,
      AvailabilityZone: e.az,
      Description: e.description,
      Groups: [{ GroupName: e.kind === 'lambda' ? 'lambda-egress' : `${e.kind}-sg`, GroupId: e.sg }],
      InterfaceType: e.interfaceType,
      Ipv6Addresses: [],
      MacAddress: e.mac,
      NetworkInterfaceId: e.id,
      OwnerId: ACCOUNT,
      PrivateDnsName: `ip-${e.ip.replace(/\./g, '-')}.ec2.internal`,
      PrivateIpAddress: e.ip,
      PrivateIpAddresses: [{ Primary: true, PrivateDnsName: `ip-${e.ip.replace(/\./g, '-')}.ec2.internal`, PrivateIpAddress: e.ip }],
      RequesterManaged: Boolean(e.requesterId),
      SourceDestCheck: e.kind !== 'nat',
      Status: 'in-use',
      SubnetId: e.subnet,
      TagSet: [],
      VpcId: VPC_ID,
    };
    if (e.requesterId) out.RequesterId = e.requesterId;
    if (e.publicIp) {
      out.Association = { IpOwnerId: 'amazon', PublicDnsName: `ec2-${e.publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com`, PublicIp: e.publicIp };
    }
    return out;
  });
  void w;
  return { text: `${JSON.stringify({ NetworkInterfaces: items }, null, 4)}\n`, records: items.length };
}

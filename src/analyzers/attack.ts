import type { AttackTechnique } from './types.ts';

/** MITRE ATT&CK techniques used by the analyzers (Enterprise matrix, Cloud platforms). */
const t = (id: string, name: string): AttackTechnique => ({
  id,
  name,
  url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`,
});

export const ATTACK = {
  serverlessExecution: t('T1648', 'Serverless Execution'),
  validCloudAccounts: t('T1078.004', 'Valid Accounts: Cloud Accounts'),
  unsecuredCredentials: t('T1552', 'Unsecured Credentials'),
  cloudInstanceMetadataApi: t('T1552.005', 'Unsecured Credentials: Cloud Instance Metadata API'),
  accountManipulation: t('T1098', 'Account Manipulation'),
  additionalCloudRoles: t('T1098.003', 'Account Manipulation: Additional Cloud Roles'),
  implantInternalImage: t('T1525', 'Implant Internal Image'),
  cloudServiceDiscovery: t('T1526', 'Cloud Service Discovery'),
  cloudInfrastructureDiscovery: t('T1580', 'Cloud Infrastructure Discovery'),
  exploitPublicFacingApplication: t('T1190', 'Exploit Public-Facing Application'),
  commandAndScriptingInterpreter: t('T1059', 'Command and Scripting Interpreter'),
  applicationLayerProtocol: t('T1071', 'Application Layer Protocol'),
  exfiltrationOverC2: t('T1041', 'Exfiltration Over C2 Channel'),
  eventTriggeredExecution: t('T1546', 'Event Triggered Execution'),
  hijackExecutionFlow: t('T1574', 'Hijack Execution Flow'),
  modifyCloudCompute: t('T1578', 'Modify Cloud Compute Infrastructure'),
  cloudAdministrationCommand: t('T1651', 'Cloud Administration Command'),
  networkDenialOfService: t('T1498', 'Network Denial of Service'),
  resourceHijacking: t('T1496', 'Resource Hijacking'),
} as const;

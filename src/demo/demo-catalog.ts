/**
 * What the demo desk's tickets are about: the situations a real service desk sees every week, in
 * French and in English, and the words people write while they are worked. Pure data; the demo
 * loader (demo-data.ts) picks from it with a seeded generator.
 */
import { Channel, Impact, TicketType, Urgency } from '../modules/tickets/tickets.enums';

export type Language = 'fr' | 'en';
export type GroupName = 'Service Desk' | 'Network Operations' | 'Infrastructure';
/** Tickets of one theme are linked: incidents CAUSED_BY the problem, problems RELATES_TO the change. */
export type Theme = 'vpn' | 'printer' | 'wifi' | 'erp' | 'mail' | 'storage';
export type AssetNeed = 'laptop' | 'phone' | 'printer';

export interface Scenario {
  language: Language;
  type: TicketType;
  titles: readonly string[];
  description: string;
  category: string;
  /** Tags the agent adds while triaging. */
  tags: readonly string[];
  /** The group that ends up working it (tier 2 and 3 tickets usually pass through the Service Desk). */
  group: GroupName;
  impact: readonly Impact[];
  urgency: readonly Urgency[];
  channels: readonly Channel[];
  resolution: string;
  theme?: Theme;
  asset?: AssetNeed;
  /** How often it comes up, relative to the others (default 1). */
  weight?: number;
}

const { HIGH, MEDIUM, LOW } = Impact;
const U = Urgency;
const { PORTAL, EMAIL, PHONE, CHAT, MONITORING, API } = Channel;
const USER_CHANNELS = [PORTAL, PORTAL, PORTAL, EMAIL, EMAIL, PHONE, CHAT] as const;

/** Incidents, service requests and questions, opened by (or for) requesters. */
export const REQUEST_SCENARIOS: readonly Scenario[] = [
  // --- Printing ---
  {
    language: 'fr', type: TicketType.INCIDENT, theme: 'printer', asset: 'printer', weight: 3,
    titles: ["L'imprimante du 3e étage ne répond plus", "L'imprimante du 2e étage est hors ligne", 'Impossible d’imprimer sur l’imprimante couleur du 4e'],
    description: "Depuis ce matin, plus rien ne sort de l'imprimante. Les documents restent bloqués dans la file d'attente avec le statut « Erreur ». J'ai essayé d'éteindre et de rallumer l'imprimante, sans effet.",
    category: 'Printing', tags: ['printer', 'imprimante'], group: 'Service Desk',
    impact: [MEDIUM, LOW], urgency: [U.MEDIUM, U.HIGH], channels: USER_CHANNELS,
    resolution: "Le spouleur d'impression du serveur PRINT-01 était bloqué : service redémarré et file d'attente purgée. Les impressions sortent de nouveau.",
  },
  {
    language: 'fr', type: TicketType.INCIDENT, theme: 'printer', weight: 2,
    titles: ['Les imprimantes impriment des pages blanches depuis la mise à jour', 'Caractères illisibles à l’impression des PDF'],
    description: "Depuis la mise à jour de Windows de mardi, les PDF sortent avec des caractères illisibles ou des pages blanches. Les documents Word s'impriment correctement.",
    category: 'Printing', tags: ['printer', 'driver'], group: 'Service Desk',
    impact: [MEDIUM], urgency: [U.MEDIUM, U.LOW], channels: USER_CHANNELS,
    resolution: 'Pilote PCL6 réinstallé dans sa version précédente sur le poste ; contournement en attendant le correctif du constructeur.',
  },
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'printer', asset: 'printer', weight: 2,
    titles: ['Printer on floor 2 jams on every job', 'Scanner on floor 3 does not send to e-mail anymore'],
    description: 'Every print job jams after the first page. I cleared the paper path twice and it still happens; the display shows "Paper jam in tray 2".',
    category: 'Printing', tags: ['printer'], group: 'Service Desk',
    impact: [LOW, MEDIUM], urgency: [U.MEDIUM], channels: USER_CHANNELS,
    resolution: 'Worn pickup roller in tray 2 replaced by the maintenance contractor; test prints are clean.',
  },
  {
    language: 'fr', type: TicketType.SERVICE_REQUEST, weight: 1,
    titles: ['Installer une imprimante réseau sur mon poste', 'Ajouter l’imprimante de la salle Mistral à mon ordinateur'],
    description: "Je viens de changer de bureau et je n'arrive pas à trouver l'imprimante de mon nouvel étage dans la liste. Pouvez-vous l'installer sur mon poste ?",
    category: 'Printing', tags: ['printer', 'installation'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW, U.MEDIUM], channels: USER_CHANNELS,
    resolution: 'Imprimante ajoutée par GPO ; elle apparaît désormais dans la liste des imprimantes du poste.',
  },
  // --- VPN, Wi-Fi, telephony ---
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'vpn', asset: 'laptop', weight: 3,
    titles: ['VPN disconnects every 10 minutes', 'VPN drops when I join a video call', 'Cannot reach intranet over VPN since this morning'],
    description: 'Working from home today. The VPN client connects fine but drops roughly every ten minutes, and every reconnect takes a minute or two. My home connection is otherwise stable.',
    category: 'Network', tags: ['vpn', 'remote-work'], group: 'Network Operations',
    impact: [MEDIUM, LOW], urgency: [U.HIGH, U.MEDIUM], channels: USER_CHANNELS,
    resolution: 'The laptop had an outdated VPN client (4.9) that renegotiates keys too often; upgraded to 5.2 and the tunnel stays up.',
  },
  {
    language: 'fr', type: TicketType.INCIDENT, theme: 'vpn', asset: 'laptop', weight: 3,
    titles: ['Impossible de me connecter au VPN depuis la maison', 'Le VPN refuse mon mot de passe', 'Coupures du VPN pendant les visioconférences'],
    description: "Depuis mon domicile, le client VPN affiche « Échec de l'authentification » alors que mon mot de passe fonctionne sur le webmail. Je ne peux pas accéder aux dossiers partagés.",
    category: 'Network', tags: ['vpn', 'teletravail'], group: 'Network Operations',
    impact: [MEDIUM], urgency: [U.HIGH, U.MEDIUM], channels: USER_CHANNELS,
    resolution: "Le compte n'était pas dans le groupe VPN-Users après le changement de service ; ajouté, connexion vérifiée avec l'utilisateur.",
  },
  {
    language: 'fr', type: TicketType.INCIDENT, theme: 'wifi', weight: 2,
    titles: ['Le Wi-Fi de la salle de réunion Mistral coupe sans arrêt', 'Pas de Wi-Fi au 2e étage depuis ce matin', 'Réseau invité inaccessible pour nos visiteurs'],
    description: 'Le Wi-Fi se déconnecte toutes les cinq minutes environ dans la salle, ce qui rend les visioconférences impossibles. Le problème touche plusieurs personnes et plusieurs ordinateurs.',
    category: 'Network', tags: ['wifi'], group: 'Network Operations',
    impact: [MEDIUM, HIGH], urgency: [U.MEDIUM, U.HIGH], channels: USER_CHANNELS,
    resolution: 'Borne Wi-Fi AP-2F-03 en surchauffe remplacée ; canal 5 GHz réattribué pour éviter les interférences avec la salle voisine.',
  },
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'wifi', weight: 1,
    titles: ['Wi-Fi very slow in the open space', 'Laptop cannot see the corporate Wi-Fi network'],
    description: 'Speed tests show under 2 Mbit/s on the corporate Wi-Fi in the open space, while the wired network is fine. Colleagues around me see the same.',
    category: 'Network', tags: ['wifi', 'performance'], group: 'Network Operations',
    impact: [MEDIUM], urgency: [U.MEDIUM], channels: USER_CHANNELS,
    resolution: 'Access point firmware updated and band steering enabled; throughput back to about 300 Mbit/s.',
  },
  {
    language: 'fr', type: TicketType.INCIDENT, asset: 'phone', weight: 1,
    titles: ['Téléphone IP sans tonalité', 'Mon poste téléphonique redémarre en boucle'],
    description: "Mon téléphone de bureau n'a plus de tonalité depuis ce matin. L'écran affiche « Enregistrement en cours » en permanence.",
    category: 'Telephony', tags: ['telephonie', 'voip'], group: 'Network Operations',
    impact: [LOW], urgency: [U.MEDIUM], channels: [PORTAL, EMAIL, CHAT],
    resolution: 'Port du commutateur sans PoE après un changement de configuration : PoE réactivé, le téléphone s’enregistre de nouveau.',
  },
  {
    language: 'en', type: TicketType.SERVICE_REQUEST, weight: 1,
    titles: ['Open firewall port 8443 for the new reporting tool', 'Firewall rule for the supplier SFTP server'],
    description: 'The vendor of our new reporting tool needs outbound HTTPS on port 8443 to their licence server (licence.vendor.example). Business justification attached.',
    category: 'Network', tags: ['firewall'], group: 'Network Operations',
    impact: [LOW], urgency: [U.LOW, U.MEDIUM], channels: [PORTAL, EMAIL],
    resolution: 'Rule FW-2291 created (outbound TCP 8443 to the vendor range), reviewed by security and deployed in the evening window.',
  },
  // --- Accounts, access, identity ---
  {
    language: 'fr', type: TicketType.INCIDENT, weight: 2,
    titles: ['Mot de passe expiré, compte bloqué', 'Compte verrouillé après plusieurs tentatives'],
    description: "Mon mot de passe a expiré pendant mes congés et mon compte est maintenant verrouillé. Je ne peux plus ouvrir de session sur mon poste.",
    category: 'Accounts', tags: ['compte', 'mot-de-passe'], group: 'Service Desk',
    impact: [LOW], urgency: [U.HIGH], channels: [PHONE, PHONE, CHAT, EMAIL],
    resolution: "Compte déverrouillé et mot de passe réinitialisé après vérification de l'identité ; changement imposé à la prochaine connexion.",
  },
  {
    language: 'en', type: TicketType.SERVICE_REQUEST, weight: 2,
    titles: ['Reset MFA after phone replacement', 'New phone: move my authenticator app'],
    description: 'I replaced my phone and the authenticator app did not carry over, so I cannot approve sign-ins anymore. Please reset my MFA registration.',
    category: 'Accounts', tags: ['mfa', 'identity'], group: 'Infrastructure',
    impact: [LOW], urgency: [U.HIGH, U.MEDIUM], channels: [PHONE, PORTAL, CHAT],
    resolution: 'MFA methods cleared after identity check by phone; the user registered the new device at next sign-in.',
  },
  {
    language: 'fr', type: TicketType.SERVICE_REQUEST, weight: 2,
    titles: ['Accès au dossier partagé Comptabilité', 'Droits en écriture sur le dossier Projets 2026', 'Accès à la boîte partagée support@'],
    description: "Je rejoins l'équipe comptable lundi et j'ai besoin d'accéder au dossier partagé \\\\fs-02\\compta en lecture et écriture. Validation de mon responsable en copie.",
    category: 'Access', tags: ['acces', 'partage'], group: 'Service Desk',
    impact: [LOW], urgency: [U.MEDIUM, U.LOW], channels: [PORTAL, EMAIL],
    resolution: 'Ajout au groupe GG-Compta-RW après validation du responsable ; accès vérifié avec la personne.',
  },
  {
    language: 'en', type: TicketType.SERVICE_REQUEST, weight: 2,
    titles: ['Request access to the Sales dashboard', 'Need read access to the finance data warehouse'],
    description: 'I joined the sales operations team and need viewer access to the Sales dashboard in the BI portal. My manager approved it by e-mail (forwarded).',
    category: 'Access', tags: ['access', 'bi'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW, U.MEDIUM], channels: [PORTAL, EMAIL],
    resolution: 'Added to the BI-Sales-Viewers group; the dashboard shows up after sign-out and sign-in.',
  },
  {
    language: 'en', type: TicketType.SERVICE_REQUEST, asset: 'laptop', weight: 2,
    titles: ['New starter: account and laptop for Jamie Rivera', 'New starter on Monday: set up account, laptop and badge'],
    description: 'Jamie Rivera starts on Monday in the marketing team. Please create the account and mailbox, prepare a standard laptop and add Jamie to the Marketing distribution list.',
    category: 'Onboarding', tags: ['onboarding'], group: 'Service Desk',
    impact: [LOW], urgency: [U.MEDIUM], channels: [PORTAL, EMAIL],
    resolution: 'Account, mailbox and laptop ready; credentials handed over in person on the first morning.',
  },
  {
    language: 'fr', type: TicketType.SERVICE_REQUEST, weight: 1,
    titles: ['Création d’un compte pour une stagiaire', 'Départ d’un collaborateur : désactiver le compte vendredi'],
    description: 'Une stagiaire arrive le 2 du mois prochain pour six mois au service marketing. Merci de créer son compte, sa messagerie et de prévoir un poste.',
    category: 'Onboarding', tags: ['onboarding', 'compte'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW, U.MEDIUM], channels: [PORTAL, EMAIL],
    resolution: 'Compte et messagerie créés, poste préparé ; identifiants remis au responsable de stage.',
  },
  // --- Hardware ---
  {
    language: 'fr', type: TicketType.INCIDENT, asset: 'laptop', weight: 2,
    titles: ["Écran externe non détecté sur la station d'accueil", 'Le portable ne charge plus sur la station d’accueil'],
    description: "Quand je branche mon portable sur la station d'accueil, le second écran reste noir. Le clavier et la souris fonctionnent. Sans la station, l'écran fonctionne en HDMI.",
    category: 'Hardware', tags: ['materiel', 'ecran'], group: 'Service Desk',
    impact: [LOW], urgency: [U.MEDIUM, U.LOW], channels: USER_CHANNELS,
    resolution: "Micrologiciel de la station d'accueil mis à jour ; l'écran externe est de nouveau détecté.",
  },
  {
    language: 'en', type: TicketType.INCIDENT, asset: 'laptop', weight: 2,
    titles: ['Laptop battery swelling', 'Laptop overheats and shuts down', 'Keyboard missing keys after coffee spill'],
    description: 'The bottom of my laptop is bulging near the trackpad and the case no longer closes flat. I stopped charging it.',
    category: 'Hardware', tags: ['hardware', 'laptop'], group: 'Service Desk',
    impact: [LOW], urgency: [U.HIGH, U.MEDIUM], channels: USER_CHANNELS,
    resolution: 'Laptop swapped for a loaner the same day; the faulty one went back under warranty (battery replaced).',
  },
  {
    language: 'fr', type: TicketType.SERVICE_REQUEST, asset: 'laptop', weight: 2,
    titles: ['Demande d’un nouvel ordinateur portable', 'Remplacement de mon portable qui a plus de 5 ans', 'Demande d’un second écran'],
    description: "Mon portable a plus de cinq ans, il met plusieurs minutes à démarrer et la batterie tient moins d'une heure. Est-il possible de le remplacer ?",
    category: 'Hardware', tags: ['materiel', 'renouvellement'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW], channels: [PORTAL, EMAIL],
    resolution: 'Nouveau portable préparé et remis ; données transférées et ancien poste repris pour recyclage.',
  },
  {
    language: 'en', type: TicketType.SERVICE_REQUEST, asset: 'phone', weight: 1,
    titles: ['Replace cracked phone screen', 'Request a company phone for on-call duty'],
    description: 'My company phone fell and the screen is cracked across the top; touch still works but it is getting worse.',
    category: 'Hardware', tags: ['mobile'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW, U.MEDIUM], channels: [PORTAL, EMAIL],
    resolution: 'Screen replaced by the repair partner; phone returned within two days.',
  },
  // --- Software and e-mail ---
  {
    language: 'fr', type: TicketType.SERVICE_REQUEST, weight: 2,
    titles: ['Installation de la suite Adobe sur mon poste', 'Installer Python et VS Code', 'Licence Visio pour le projet de refonte'],
    description: "Pour le nouveau projet de communication, j'ai besoin d'Illustrator et d'InDesign sur mon poste. Le centre de coût est le 4410.",
    category: 'Software', tags: ['logiciel', 'licence'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW], channels: [PORTAL, EMAIL],
    resolution: 'Licence attribuée et logiciel déployé par le portail logiciel ; installation vérifiée.',
  },
  {
    language: 'en', type: TicketType.INCIDENT, weight: 2,
    titles: ['Cannot open attachments in Teams', 'Excel crashes when opening large workbooks', 'Teams camera not detected'],
    description: 'Clicking any attachment in a Teams chat shows "Something went wrong" and nothing opens. It works in the browser version.',
    category: 'Software', tags: ['office', 'teams'], group: 'Service Desk',
    impact: [LOW], urgency: [U.MEDIUM], channels: USER_CHANNELS,
    resolution: 'Cleared the Teams cache and re-signed in; attachments open again. Known issue with version 24.1, fixed by the update pushed this week.',
  },
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'mail', weight: 2,
    titles: ['Outlook keeps asking for my password', 'Emails to external partners are delayed by hours', 'Shared mailbox not showing in Outlook'],
    description: 'Outlook pops up the password prompt every few minutes even after I enter the right password. Webmail works without problems.',
    category: 'Email', tags: ['email', 'outlook'], group: 'Service Desk',
    impact: [LOW, MEDIUM], urgency: [U.MEDIUM], channels: USER_CHANNELS,
    resolution: 'Stale credentials removed from Windows Credential Manager and the Outlook profile rebuilt; no more prompts.',
  },
  {
    language: 'fr', type: TicketType.INCIDENT, theme: 'mail', weight: 1,
    titles: ['Les courriels vers nos clients partent avec plusieurs heures de retard', 'Je ne reçois plus les courriels externes'],
    description: "Plusieurs clients nous disent recevoir nos courriels avec deux à trois heures de retard depuis hier. Les courriels internes arrivent normalement.",
    category: 'Email', tags: ['messagerie'], group: 'Infrastructure',
    impact: [HIGH, MEDIUM], urgency: [U.HIGH, U.MEDIUM], channels: [PHONE, EMAIL, PORTAL],
    resolution: 'File du connecteur sortant saturée par une boucle de réponses automatiques ; boucle coupée et file vidée.',
  },
  {
    language: 'fr', type: TicketType.INCIDENT, theme: 'erp', weight: 2,
    titles: ["Lenteurs sur l'ERP depuis ce matin", "L'ERP affiche une erreur à la validation des commandes", 'Export comptable bloqué dans l’ERP'],
    description: "Chaque écran de l'ERP met plus de 30 secondes à s'afficher, ce qui bloque la saisie des commandes. Toute l'équipe ADV est concernée.",
    category: 'Business applications', tags: ['erp', 'performance'], group: 'Infrastructure',
    impact: [HIGH, MEDIUM], urgency: [U.HIGH], channels: [PHONE, PORTAL, EMAIL],
    resolution: "Requête de reporting lancée en heures ouvrées qui verrouillait les tables des commandes : arrêtée et reprogrammée la nuit. Temps de réponse revenus à la normale.",
  },
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'storage', weight: 1,
    titles: ['Shared drive S: is read-only', 'Cannot save files to the project share'],
    description: 'Since about 10:00 every save to the S: drive fails with "The disk is write-protected". Reading files still works.',
    category: 'Storage', tags: ['storage', 'file-share'], group: 'Infrastructure',
    impact: [HIGH, MEDIUM], urgency: [U.HIGH], channels: [PHONE, PORTAL],
    resolution: 'The volume had hit its quota and was switched to read-only; quota raised and old snapshots pruned.',
  },
  {
    language: 'fr', type: TicketType.INCIDENT, weight: 1,
    titles: ['Courriel suspect reçu : hameçonnage ?', "J'ai cliqué sur un lien dans un courriel douteux"],
    description: "J'ai reçu un courriel qui se présente comme venant de la banque avec un lien pour « confirmer mes identifiants ». Je n'ai rien saisi. Je vous le transfère en pièce jointe.",
    category: 'Security', tags: ['securite', 'phishing'], group: 'Service Desk',
    impact: [MEDIUM], urgency: [U.HIGH], channels: [EMAIL, PHONE],
    resolution: 'Courriel analysé : hameçonnage confirmé. Expéditeur bloqué, message retiré des boîtes qui l’avaient reçu.',
  },
  // --- Questions ---
  {
    language: 'fr', type: TicketType.QUESTION, weight: 2,
    titles: ['Comment configurer la signature dans Outlook ?', 'Où trouver le formulaire de notes de frais ?', 'Comment partager mon agenda avec mon équipe ?'],
    description: "Je n'arrive pas à trouver l'option pour ajouter ma signature avec le logo de l'entreprise. Existe-t-il un modèle officiel ?",
    category: 'Email', tags: ['question', 'outlook'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW], channels: [PORTAL, CHAT, EMAIL],
    resolution: "Envoi du guide « Signature de messagerie » et du modèle officiel ; la signature est configurée.",
  },
  {
    language: 'en', type: TicketType.QUESTION, weight: 2,
    titles: ['How do I share a calendar with my team?', 'Which VPN client should I install on my personal Mac?', 'Is there a password manager we are allowed to use?'],
    description: 'I would like my team to see when I am busy without seeing the details of my meetings. What is the right way to do this?',
    category: 'Email', tags: ['question', 'how-to'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW], channels: [PORTAL, CHAT, EMAIL],
    resolution: 'Explained calendar sharing with "can view when I am busy" and sent the knowledge article link.',
  },
  {
    language: 'fr', type: TicketType.QUESTION, weight: 1,
    titles: ['Puis-je utiliser mon ordinateur personnel en télétravail ?', 'Combien de temps sont conservés les fichiers supprimés ?'],
    description: 'Mon ordinateur professionnel est en réparation. Ai-je le droit de travailler depuis mon ordinateur personnel en attendant, et si oui comment ?',
    category: 'Security', tags: ['question'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW], channels: [PORTAL, CHAT],
    resolution: "Réponse : accès uniquement par le bureau virtuel depuis un poste personnel ; lien vers la procédure envoyé.",
  },
];

/** Alerts raised by the monitoring, opened in the name of the on-call engineer. */
export const MONITORING_SCENARIOS: readonly Scenario[] = [
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'storage', weight: 2,
    titles: ['Disk space above 90% on file server FS-02', 'Backup job failed on FS-02 (exit code 23)'],
    description: 'Alert from monitoring: volume D: on FS-02 at 91% used (threshold 90%). Growth of 40 GB over the last 24 hours.',
    category: 'Storage', tags: ['monitoring', 'storage'], group: 'Infrastructure',
    impact: [MEDIUM], urgency: [U.MEDIUM, U.HIGH], channels: [MONITORING],
    resolution: 'Old installer images archived to cold storage, 180 GB freed; volume at 72%.',
  },
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'erp', weight: 2,
    titles: ['CPU above 95% on db-prod-01', 'Replication lag over 5 minutes on db-prod-02'],
    description: 'Alert from monitoring: CPU on db-prod-01 above 95% for 15 minutes. Top query: order reporting export.',
    category: 'Infrastructure', tags: ['monitoring', 'database'], group: 'Infrastructure',
    impact: [HIGH, MEDIUM], urgency: [U.HIGH], channels: [MONITORING],
    resolution: 'Runaway reporting query cancelled; index added on orders(created_at) so the export no longer scans the table.',
  },
  {
    language: 'en', type: TicketType.INCIDENT, theme: 'vpn', weight: 1,
    titles: ['VPN concentrator vpn-gw-01: tunnel count dropped to zero', 'High packet loss on the Lyon site link'],
    description: 'Alert from monitoring: active tunnels on vpn-gw-01 dropped from 212 to 0 within one minute. The device answers ping.',
    category: 'Network', tags: ['monitoring', 'vpn'], group: 'Network Operations',
    impact: [HIGH], urgency: [U.HIGH], channels: [MONITORING],
    resolution: 'IKE daemon crashed on vpn-gw-01 and was restarted; tunnels re-established. Crash dump sent to the vendor.',
  },
  {
    language: 'en', type: TicketType.INCIDENT, weight: 1,
    titles: ['TLS certificate for portal.acme.example expires in 7 days', 'NTP drift over 2 seconds on dc-02'],
    description: 'Alert from monitoring: the certificate presented by portal.acme.example expires in 7 days.',
    category: 'Security', tags: ['monitoring', 'certificate'], group: 'Infrastructure',
    impact: [MEDIUM], urgency: [U.MEDIUM], channels: [MONITORING, API],
    resolution: 'Certificate renewed and deployed on both load balancer nodes; expiry now in 13 months.',
  },
];

/** Problems: the causes behind repeated incidents, opened by the group that owns them. */
export const PROBLEM_SCENARIOS: readonly Scenario[] = [
  {
    language: 'en', type: TicketType.PROBLEM, theme: 'vpn',
    titles: ['Recurring VPN drops for home workers'],
    description: 'Several incidents a week about VPN tunnels dropping every few minutes for home workers. Suspected: key renegotiation with old clients and the IKE daemon crashes on vpn-gw-01.',
    category: 'Network', tags: ['vpn', 'problem'], group: 'Network Operations',
    impact: [HIGH], urgency: [U.MEDIUM], channels: [PORTAL],
    resolution: 'Root cause: IKE daemon memory leak in firmware 9.16 plus clients older than 5.0. Firmware upgraded (change linked), old clients blocked at connection.',
  },
  {
    language: 'fr', type: TicketType.PROBLEM, theme: 'printer',
    titles: ["Pilote d'impression défectueux après la mise à jour de Windows"],
    description: "Depuis la mise à jour cumulative du mois, plusieurs sites signalent des impressions illisibles ou des imprimantes hors ligne. Tous les cas concernent le pilote PCL6 universel.",
    category: 'Printing', tags: ['printer', 'problem'], group: 'Service Desk',
    impact: [MEDIUM], urgency: [U.MEDIUM], channels: [PORTAL],
    resolution: 'Cause : incompatibilité du pilote PCL6 v7.1 avec la mise à jour KB5032190. Pilote v7.3 déployé sur tous les serveurs d’impression.',
  },
  {
    language: 'fr', type: TicketType.PROBLEM, theme: 'wifi',
    titles: ['Coupures Wi-Fi récurrentes au 2e étage'],
    description: 'Signalements répétés de coupures Wi-Fi au 2e étage, surtout en fin de matinée. Piste : saturation du canal 5 GHz et bornes vieillissantes.',
    category: 'Network', tags: ['wifi', 'problem'], group: 'Network Operations',
    impact: [MEDIUM], urgency: [U.MEDIUM], channels: [PORTAL],
    resolution: 'Plan de canaux revu et deux bornes remplacées ; aucune coupure signalée depuis trois semaines.',
  },
  {
    language: 'fr', type: TicketType.PROBLEM, theme: 'erp',
    titles: ["Lenteurs récurrentes de l'ERP en fin de mois"],
    description: "À chaque clôture mensuelle, l'ERP devient très lent pendant plusieurs heures. Les exports de reporting semblent verrouiller les tables des commandes.",
    category: 'Business applications', tags: ['erp', 'problem'], group: 'Infrastructure',
    impact: [HIGH], urgency: [U.MEDIUM], channels: [PORTAL],
    resolution: 'Exports déplacés vers le réplica en lecture seule et index ajouté ; la clôture de ce mois s’est déroulée sans lenteur.',
  },
  {
    language: 'en', type: TicketType.PROBLEM, theme: 'mail',
    titles: ['Mail delivery delays through the outbound connector'],
    description: 'Outbound mail to external domains is delayed by hours several times a month. The outbound connector queue grows during these episodes.',
    category: 'Email', tags: ['email', 'problem'], group: 'Infrastructure',
    impact: [HIGH], urgency: [U.MEDIUM], channels: [PORTAL],
    resolution: 'Auto-reply loops detection enabled on the connector and queue alerts added to monitoring.',
  },
  {
    language: 'en', type: TicketType.PROBLEM, theme: 'storage',
    titles: ['File server FS-02 fills up faster than planned'],
    description: 'FS-02 has crossed its 90% threshold three times this quarter. Growth comes mostly from project archives and installer images.',
    category: 'Storage', tags: ['storage', 'problem'], group: 'Infrastructure',
    impact: [MEDIUM], urgency: [U.LOW], channels: [PORTAL],
    resolution: 'Archiving policy in place (cold storage after 12 months) and FS-02 migrated to the new storage array (change linked).',
  },
];

/** Changes: planned work, often the fix of a problem. */
export const CHANGE_SCENARIOS: readonly Scenario[] = [
  {
    language: 'en', type: TicketType.CHANGE, theme: 'vpn',
    titles: ['Upgrade VPN concentrator firmware to 9.18'],
    description: 'Upgrade vpn-gw-01 and vpn-gw-02 to firmware 9.18 (fixes the IKE memory leak). One node at a time, Saturday 07:00-09:00; rollback: boot the previous image.',
    category: 'Network', tags: ['vpn', 'change'], group: 'Network Operations',
    impact: [MEDIUM], urgency: [U.MEDIUM], channels: [PORTAL],
    resolution: 'Both nodes upgraded within the window; failover tested, no user impact reported.',
  },
  {
    language: 'fr', type: TicketType.CHANGE, theme: 'printer',
    titles: ['Remplacement des imprimantes du 3e étage'],
    description: 'Remplacement des trois imprimantes multifonctions du 3e étage (fin de contrat) par le nouveau modèle ; installation un vendredi après-midi, déploiement des files par GPO.',
    category: 'Printing', tags: ['printer', 'change'], group: 'Service Desk',
    impact: [LOW], urgency: [U.LOW], channels: [PORTAL],
    resolution: 'Imprimantes remplacées et files déployées ; anciennes machines reprises par le loueur.',
  },
  {
    language: 'en', type: TicketType.CHANGE,
    titles: ['Patch Tuesday: deploy the monthly updates to workstations', 'Patch Tuesday: deploy the monthly updates to servers'],
    description: 'Deploy this month’s security updates: pilot ring on day 1, broad ring on day 3, servers in the Sunday maintenance window.',
    category: 'Infrastructure', tags: ['patching', 'change'], group: 'Infrastructure',
    impact: [MEDIUM], urgency: [U.MEDIUM], channels: [PORTAL], weight: 2,
    resolution: 'Updates installed on 98% of devices; the remaining ones were offline and will be caught by the next cycle.',
  },
  {
    language: 'fr', type: TicketType.CHANGE, theme: 'storage',
    titles: ['Migration du serveur de fichiers FS-02 vers la nouvelle baie de stockage'],
    description: "Migration des partages de FS-02 vers la nouvelle baie : synchronisation préalable, bascule le samedi, DFS mis à jour. Retour arrière : réactivation des anciens partages.",
    category: 'Storage', tags: ['storage', 'change'], group: 'Infrastructure',
    impact: [HIGH], urgency: [U.LOW], channels: [PORTAL],
    resolution: 'Bascule effectuée samedi en 2 h 10 ; contrôles de cohérence OK, anciens volumes conservés 30 jours.',
  },
  {
    language: 'en', type: TicketType.CHANGE, theme: 'wifi',
    titles: ['Replace the access points on floor 2'],
    description: 'Replace the six access points of floor 2 with the current model and apply the new channel plan. Work in the evening, floor by floor.',
    category: 'Network', tags: ['wifi', 'change'], group: 'Network Operations',
    impact: [MEDIUM], urgency: [U.LOW], channels: [PORTAL],
    resolution: 'Six access points replaced; site survey after the change shows good coverage everywhere.',
  },
  {
    language: 'en', type: TicketType.CHANGE, theme: 'erp',
    titles: ['Move ERP reporting exports to the read replica'],
    description: 'Point the nightly and on-demand reporting exports at db-prod-02 (read replica) instead of the primary.',
    category: 'Business applications', tags: ['erp', 'change'], group: 'Infrastructure',
    impact: [MEDIUM], urgency: [U.MEDIUM], channels: [PORTAL],
    resolution: 'Exports now run on the replica; primary CPU during month-end stayed under 60%.',
  },
];

/** What people write while a ticket is worked, in each language. */
export interface Phrasebook {
  acknowledge: readonly string[];
  question: readonly string[];
  requesterAnswer: readonly string[];
  requesterChase: readonly string[];
  internal: readonly string[];
  escalation: readonly string[];
  hold: readonly string[];
  backFromHold: readonly string[];
  beforeResolve: readonly string[];
  reopen: readonly string[];
  requesterCancel: readonly string[];
  duplicate: string;
  closeByAgent: readonly string[];
  thanks: readonly string[];
  ratingGood: readonly string[];
  ratingAverage: readonly string[];
  ratingPoor: readonly string[];
  problemUpdate: readonly string[];
  changeApproval: readonly string[];
}

export const PHRASES: Record<Language, Phrasebook> = {
  fr: {
    acknowledge: [
      'Bonjour, je prends votre demande en charge et je reviens vers vous rapidement.',
      'Bonjour, merci pour votre signalement. Nous regardons cela dès maintenant.',
      "Bonjour, c'est bien noté. Un technicien s'en occupe dans la journée.",
    ],
    question: [
      "Pouvez-vous nous envoyer une capture d'écran du message d'erreur ?",
      'Le problème se produit-il aussi depuis un autre poste ou un autre réseau ?',
      "Pouvez-vous nous indiquer le numéro d'inventaire de l'appareil (étiquette au dos) ?",
      'Quand êtes-vous disponible pour une prise en main à distance ?',
      'Pouvez-vous nous faire suivre la validation de votre responsable ?',
    ],
    requesterAnswer: [
      'Voici la capture demandée, le message apparaît à chaque tentative.',
      'Oui, même chose depuis le poste de ma collègue.',
      "Je suis disponible cet après-midi à partir de 14 h.",
      'Validation de mon responsable transférée à l’instant.',
      "L'étiquette indique LAP-0412.",
    ],
    requesterChase: [
      'Toujours le même souci ce matin, pouvez-vous regarder en priorité ?',
      'Bonjour, avez-vous du nouveau ? Cela bloque mon travail.',
    ],
    internal: [
      "Vu avec l'équipe réseau : aucun incident en cours de leur côté.",
      'Déjà vu la semaine dernière chez un autre utilisateur, même cause probable.',
      'Utilisateur très impacté (clôture comptable), à traiter en priorité.',
      'Journaux récupérés et joints au dossier.',
      'Rappel prévu demain matin si pas de retour.',
    ],
    escalation: [
      'Escalade au niveau 2 : nécessite un accès aux équipements réseau.',
      'Transfert vers l’équipe Infrastructure, hors périmètre du support de proximité.',
    ],
    hold: [
      'En attente du fournisseur : dossier ouvert chez le constructeur, réponse sous 48 h.',
      'Pièce commandée, livraison prévue en fin de semaine.',
      'En attente de la fenêtre de maintenance validée par le CAB.',
    ],
    backFromHold: ['Retour du fournisseur reçu, reprise du traitement.', 'Pièce reçue ce matin, intervention planifiée.'],
    beforeResolve: [
      'Nous avons appliqué la correction, pouvez-vous vérifier de votre côté ?',
      "C'est corrigé de notre côté. N'hésitez pas à rouvrir le ticket si le problème revient.",
    ],
    reopen: ['Le problème est revenu ce matin, exactement le même symptôme.', 'Désolé, cela ne fonctionne toujours pas chez moi.'],
    requesterCancel: ['Finalement le problème a disparu tout seul, vous pouvez annuler.', 'Demande plus nécessaire, merci.'],
    duplicate: 'Doublon : même demande déjà en cours de traitement, voir le ticket lié.',
    closeByAgent: ['Sans retour de votre part, nous clôturons le ticket.', 'Clôture après confirmation téléphonique.'],
    thanks: ['Merci, tout fonctionne de nouveau !', 'Parfait, merci pour votre aide.'],
    ratingGood: ['Rapide et efficace, merci !', 'Très bon accueil au téléphone.', 'Problème réglé dans la journée, bravo.'],
    ratingAverage: ['Résolu, mais il a fallu relancer deux fois.', 'Correct, un peu long.'],
    ratingPoor: ["Le problème revient de temps en temps, je ne suis pas convaincu.", 'Trop long pour une demande simple.'],
    problemUpdate: ['Analyse en cours : corrélation avec la mise à jour du mois.', 'Contournement documenté pour le support de niveau 1.'],
    changeApproval: ['Changement validé en CAB mardi.', 'Plan de retour arrière relu et validé.'],
  },
  en: {
    acknowledge: [
      "Hi, I'm picking this up and will get back to you shortly.",
      'Thanks for reporting this, we are looking into it now.',
      'Hello, noted. An engineer will handle it today.',
    ],
    question: [
      'Could you send us a screenshot of the error message?',
      'Does it also happen from another device or another network?',
      'Could you give us the asset tag on the back of the device?',
      'When would suit you for a remote session?',
      "Could you forward your manager's approval?",
    ],
    requesterAnswer: [
      'Screenshot attached, the message shows up on every attempt.',
      'Yes, same thing on my colleague’s laptop.',
      'Any time after 2 pm today works for me.',
      'Approval forwarded just now.',
      'The tag says LAP-0387.',
    ],
    requesterChase: ['Still the same this morning, could you prioritise it?', 'Any news? This is blocking my work.'],
    internal: [
      'Checked with network team: no ongoing incident on their side.',
      'Saw the same last week for another user, probably the same cause.',
      'User is on a tight deadline this week, please prioritise.',
      'Logs collected and attached.',
      'Will call back tomorrow morning if no answer.',
    ],
    escalation: ['Escalating to tier 2: needs access to the network devices.', 'Passing to Infrastructure, out of scope for first line.'],
    hold: [
      'Waiting on the vendor: case opened with the manufacturer, answer within 48 h.',
      'Replacement part ordered, delivery expected by Friday.',
      'Waiting for the maintenance window approved by the CAB.',
    ],
    backFromHold: ['Vendor answered, resuming work.', 'Part arrived this morning, visit scheduled.'],
    beforeResolve: ['We applied the fix, could you check on your side?', 'Fixed on our side. Feel free to reopen if it comes back.'],
    reopen: ['It came back this morning, exactly the same symptom.', 'Sorry, it still does not work for me.'],
    requesterCancel: ['It sorted itself out, you can cancel this.', 'No longer needed, thanks.'],
    duplicate: 'Duplicate: the same request is already being handled, see the linked ticket.',
    closeByAgent: ['Closing as we did not hear back.', 'Closing after confirmation by phone.'],
    thanks: ['Thanks, all working again!', 'Perfect, thank you for the help.'],
    ratingGood: ['Quick and efficient, thanks!', 'Very helpful on the phone.', 'Sorted within the day, great job.'],
    ratingAverage: ['Solved, but I had to chase twice.', 'Fine, a bit slow.'],
    ratingPoor: ['The issue keeps coming back, not convinced.', 'Far too long for a simple request.'],
    problemUpdate: ['Investigation ongoing: correlates with this month’s update.', 'Workaround documented for first line.'],
    changeApproval: ['Change approved at Tuesday’s CAB.', 'Rollback plan reviewed and approved.'],
  },
};

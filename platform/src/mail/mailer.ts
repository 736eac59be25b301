import { createTransport, type Transporter } from 'nodemailer';

/** The mail server refused the recipient for good (a 5xx reply to RCPT TO): the address is the problem. */
export class RecipientRefused extends Error {
  constructor(options: { cause: unknown }) {
    super('The mail server refused the recipient', options);
    this.name = 'RecipientRefused';
  }
}

const refusesRecipient = (error: unknown): boolean => {
  const { code, responseCode } = error as { code?: string; responseCode?: number };
  return code === 'EENVELOPE' && typeof responseCode === 'number' && responseCode >= 500;
};

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Outgoing mail over SMTP (SMTP_URL: smtp:// with STARTTLS when offered, or smtps://). */
export class Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(smtpUrl: string, from: string) {
    this.transport = createTransport(smtpUrl);
    this.from = from;
  }

  async send(mail: Mail): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
    } catch (error) {
      if (refusesRecipient(error)) throw new RecipientRefused({ cause: error });
      throw new Error('Could not send mail', { cause: error });
    }
  }

  close(): void {
    this.transport.close();
  }
}

import { createTransport, type Transporter } from 'nodemailer';

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
      throw new Error('Could not send mail', { cause: error });
    }
  }

  close(): void {
    this.transport.close();
  }
}

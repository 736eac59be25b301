import type { ButtonHTMLAttributes } from 'react';
import './Button.css';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost';

/** The class names of a button, for links that look like one. */
export function buttonClass(variant: ButtonVariant = 'secondary', wide = false): string {
  return `button button--${variant}${wide ? ' button--wide' : ''}`;
}

export function Button({
  variant = 'secondary',
  wide = false,
  type = 'button',
  className,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; wide?: boolean }) {
  return (
    <button
      type={type}
      className={className ? `${buttonClass(variant, wide)} ${className}` : buttonClass(variant, wide)}
      {...props}
    />
  );
}

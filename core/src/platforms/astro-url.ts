/** The Astro platform API (ASTRO_API_URL overrides it). Its own module: deploy needs it before it loads the Astro client. */
export const ASTRO_API_DEFAULT = 'https://api.astronomer.io/v1';

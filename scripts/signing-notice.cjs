// electron-builder's beforePack hook (electron-builder.yml). Signing and notarization are electron-
// builder's own, from environment variables; when those are missing this says so in one line per
// platform, naming the variables, so an unsigned build is never mistaken for a release.
// (CommonJS: electron-builder loads hooks with require.)
'use strict';

/** The one line for a platform built without its signing secrets, or null when there is nothing to say. */
function signingNotice(platform, env) {
  const has = (name) => typeof env[name] === 'string' && env[name] !== '';
  switch (platform) {
    case 'darwin':
    case 'mas': {
      const signs = has('CSC_LINK') || has('CSC_NAME');
      const notarizes = has('APPLE_ID') || has('APPLE_API_KEY') || has('APPLE_KEYCHAIN_PROFILE');
      if (signs && notarizes) return null;
      const missing = [
        signs ? null : 'not signed with a Developer ID (CSC_LINK and CSC_KEY_PASSWORD are not set; an identity in this Mac\'s keychain is used if there is one)',
        notarizes ? null : 'not notarized (APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID are not set)',
      ].filter(Boolean);
      return `Signing: this macOS build is ${missing.join(' and ')}; other Macs will refuse to open it. See README, "Signing".`;
    }
    case 'win32':
      if (has('WIN_CSC_LINK') || has('CSC_LINK')) return null;
      return 'Signing: this Windows installer is not signed (WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD are not set); SmartScreen will warn whoever runs it. See README, "Signing".';
    case 'linux':
      return null;
    default:
      return null;
  }
}

const told = new Set();

/** beforePack runs once per platform and architecture; the line is said once per platform. */
async function beforePack(context) {
  const platform = context.electronPlatformName;
  if (told.has(platform)) return;
  told.add(platform);
  const line = signingNotice(platform, process.env);
  if (line) console.log(`  • ${line}`);
}

module.exports = beforePack;
module.exports.default = beforePack;
module.exports.signingNotice = signingNotice;
